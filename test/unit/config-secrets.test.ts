import { describe, expect, it } from 'vitest';
import { resolveConfig as resolveWith, type Env } from '../../src/config/config';
import { KNOWN_INTEGRATIONS } from '../../src/integrations/registry';
import type { CatalystOptions } from '../../src/config/types';

const resolveConfig = (options: CatalystOptions, env: Env) => resolveWith(options, env, KNOWN_INTEGRATIONS);
import { forgetSecrets } from '../../src/diagnostics/secrets';

/**
 * Every variable the configuration reads, found by watching which names
 * resolveConfig asks an empty environment for: a variable added later is
 * covered without editing this list.
 */
export function variablesReadByConfig(): string[] {
  const asked = new Set<string>();
  const env = new Proxy({} as Env, {
    get(_target, name) {
      if (typeof name === 'string') asked.add(name);
      return undefined;
    },
  });
  resolveConfig({}, env);
  return [...asked];
}

/** Malformed values that carry credentials in every shape we could think of. */
const CREDENTIAL_VALUES = [
  'USERSECRET:PWSECRET@127.0.0.1:4318',
  'USERSECRET:PWSECRET@collector',
  '//USERSECRET:PWSECRET@127.0.0.1:4318',
  ' USERSECRET:PWSECRET@127.0.0.1:4318 ',
  'http:USERSECRET:PWSECRET@127.0.0.1:4318',
  'http:\\\\USERSECRET:PWSECRET@ho st',
  'ftp://USERSECRET:PWSECRET@collector:4318/',
  'http://USERSECRET:PW@SECRET@collector:99999',
  'http://USERSECRET@collector:99999',
  'https://USERSECRET:PWSECRET@ho st/v1/traces',
  'tcp://USERSECRET:PWSECRET@collector:4318/?token=TOKENSECRET',
  'http://collector:99999/?token=TOKENSECRET',
  'http://ho st/#TOKENSECRET',
  'Bearer TOKENSECRET',
  'Authorization=Bearer TOKENSECRET,x=%zz',
  'api-key=TOKENSECRET,broken',
  'x-api-key: TOKENSECRET',
  'USERSECRET:PWSECRET@127.0.0.1:4318\nsecond line',
  // Long: the credentials sit where the quoted value is cut, the @ after the cut.
  `${'a'.repeat(36)}USERSECRET:PWSECRET${'b'.repeat(20)}@host`,
];
const NEEDLES = ['USERSECRET', 'PWSECRET', 'PW@SECRET', 'TOKENSECRET'];
const leaks = (text: string): string[] => NEEDLES.filter((n) => text.includes(n));

describe('configuration problem lines never show a secret', () => {
  const names = variablesReadByConfig();

  it('finds the variables that take a URL, headers or a token', () => {
    for (const name of ['CATALYST_OTLP_ENDPOINT', 'OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'CATALYST_OTLP_TOKEN', 'OTLP_INGEST_TOKEN']) {
      expect(names).toContain(name);
    }
    expect(names.length).toBeGreaterThan(30);
  });

  it.each(CREDENTIAL_VALUES)('for any variable set to %j', (value) => {
    for (const name of names) {
      // A value taken as the token is remembered as a secret; start afresh so only the masking rules are tested.
      forgetSecrets();
      const { problems, warnings } = resolveConfig({}, { [name]: value });
      const said = [...problems, ...warnings].join('\n');
      expect(leaks(said), `${name}: ${said}`).toEqual([]);
    }
  });

  it.each(CREDENTIAL_VALUES)('for setup() options set to %j', (value) => {
    for (const key of ['endpoint', 'token', 'serviceName', 'tracesDir']) {
      forgetSecrets();
      const { problems, warnings } = resolveConfig({ [key]: value }, {});
      expect(leaks([...problems, ...warnings].join('\n')), key).toEqual([]);
    }
    forgetSecrets();
    const { problems } = resolveConfig({ instrumentations: [value] }, {});
    expect(leaks(problems.join('\n'))).toEqual([]);
  });

  it('still names the variable and shows the host of a scheme-less endpoint', () => {
    const { problems } = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'USERSECRET:PWSECRET@127.0.0.1:4318' });
    expect(problems).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT="\*\*\*@127\.0\.0\.1:4318" is invalid: expected an http/)]);
    const ftp = resolveConfig({}, { CATALYST_OTLP_ENDPOINT: 'ftp://u:PWSECRET@collector:4318/?key=TOKENSECRET' }).problems;
    expect(ftp).toEqual([expect.stringMatching(/^CATALYST_OTLP_ENDPOINT="ftp:\/\/\*\*\*@collector:4318\/\?\*\*\*" is invalid/)]);
    // Values without credentials are quoted as they are.
    expect(resolveConfig({}, { CATALYST_DEBUG: 'maybe' }).problems).toEqual([expect.stringMatching(/^CATALYST_DEBUG="maybe" is invalid/)]);
  });
});

describe('a token sent over plain http://', () => {
  const warn = (env: Env, options = {}) => resolveConfig(options, env).warnings;

  it('is named in one warning when the host is not loopback, without the token', () => {
    const w = warn({ CATALYST_OTLP_ENDPOINT: 'http://collector.internal:4318', CATALYST_OTLP_TOKEN: 'TOKENSECRET' });
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/CATALYST_OTLP_TOKEN/);
    expect(w[0]).toMatch(/collector\.internal:4318/);
    expect(w[0]).toMatch(/https:\/\//);
    expect(leaks(w[0]!)).toEqual([]);
    expect(warn({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://u:PWSECRET@10.0.0.8/v1/traces', OTLP_INGEST_TOKEN: 'TOKENSECRET' })).toEqual([expect.stringMatching(/^OTLP_INGEST_TOKEN .*10\.0\.0\.8/)]);
    expect(warn({}, { endpoint: 'http://collector.internal', token: 'TOKENSECRET' })).toEqual([expect.stringMatching(/^setup\(\{ token \}\)/)]);
    // An Authorization header set through the OTel variable is the same secret in the clear.
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://collector.internal', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20TOKENSECRET' })).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_HEADERS /)]);
  });

  it('is fine to a loopback host, over https, or with no token', () => {
    for (const host of ['127.0.0.1:4318', '127.8.9.10', 'localhost:4318', 'LOCALHOST', '[::1]:4318', '127.1']) {
      expect(warn({ CATALYST_OTLP_ENDPOINT: `http://${host}`, CATALYST_OTLP_TOKEN: 'TOKENSECRET' }), host).toEqual([]);
    }
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'https://collector.internal', CATALYST_OTLP_TOKEN: 'TOKENSECRET' })).toEqual([]);
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://collector.internal' })).toEqual([]);
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://collector.internal', CATALYST_OTLP_TOKEN: 'TOKENSECRET', CATALYST_DISABLED: 'true' })).toEqual([]);
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://collector.internal', OTEL_EXPORTER_OTLP_HEADERS: 'x-team=a' })).toEqual([]);
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://128.0.0.1', CATALYST_OTLP_TOKEN: 'TOKENSECRET' })).toHaveLength(1);
    expect(warn({ CATALYST_OTLP_ENDPOINT: 'http://localhost.example.com', CATALYST_OTLP_TOKEN: 'TOKENSECRET' })).toHaveLength(1);
  });

  it('is not a configuration problem (setup({ strict: true }) does not throw for it)', () => {
    const { problems } = resolveConfig({}, { CATALYST_OTLP_ENDPOINT: 'http://collector.internal:4318', CATALYST_OTLP_TOKEN: 'TOKENSECRET' });
    expect(problems).toEqual([]);
  });
});
