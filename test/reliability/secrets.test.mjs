// Secrets: API keys (the `apiKey` option, Authorization, x-api-key
// and api-key headers) never reach a span or the agent's output, CATALYST_DEBUG
// included; the OTLP token and headers go to the configured endpoint only and
// are never printed; an https endpoint behind a private CA works with
// NODE_EXTRA_CA_CERTS (or OTEL_EXPORTER_OTLP_CERTIFICATE), and a certificate
// error is reported once, clearly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { decodeTraceRequest, startCollector } from '../harness/collector.mjs';
import { EXIT_DELAY_BOUND_MS, appStdout, buildDist, limit, lineOf, runScript } from './helpers.mjs';
import { resolveConfig } from '../../src/config/config.ts';
import { KNOWN_INTEGRATIONS } from '../../src/integrations/registry.ts';

const SECRETS = {
  SECRET_OPENAI: 'sk-proj-OPENAIKEY-0123456789abcdef',
  SECRET_ANTHROPIC: 'sk-ant-api03-ANTHROPICKEY-0123456789',
  SECRET_AZURE: 'azure-APIKEYHEADER-0123456789',
  SECRET_X: 'x-APIKEYHEADER-0123456789',
  SECRET_REQUEST: 'req-BEARERTOKEN-0123456789',
};
const OTLP_TOKEN = 'otlp-TOKEN-never-printed-0123456789';
const TENANT = 'tenant-HEADER-never-printed-0123456789';
/** Distinctive parts: a secret must not appear even cut short or re-encoded as a whole. */
const NEEDLES = ['OPENAIKEY', 'ANTHROPICKEY', 'APIKEYHEADER', 'BEARERTOKEN', 'TOKEN-never-printed', 'HEADER-never-printed', 'URLPASSWORD', 'QUERYTOKEN'];
const leaks = (/** @type {string} */ text) => NEEDLES.filter((n) => text.includes(n));

/** @type {string} */
let DIST;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let provider;
/** @type {Array<{ close(): Promise<void> }>} */
const toClose = [];
const TMP = mkdtempSync(join(tmpdir(), 'catalyst-secrets-'));

beforeAll(async () => {
  DIST = buildDist('secrets');
  provider = await startFakeProvider();
});
afterAll(async () => {
  await Promise.all(toClose.map((c) => c.close()));
  await provider?.close();
  rmSync(TMP, { recursive: true, force: true });
});

const two = limit(2);

describe.concurrent('API keys and the OTLP token', () => {
  it.each([
    ['a normal end', 'natural'],
    ['process.exit (the synchronous exit path)', 'exit'],
  ])('never reach a span or the output, CATALYST_DEBUG included; the token goes to the endpoint only (%s)', (_label, mode) => two(async () => {
    const collector = await startCollector();
    toClose.push(collector);
    provider.requests.length = 0;
    const r = await runScript(DIST, 'secrets.cjs', {
      env: {
        ...SECRETS,
        FAKE_BASE_URL: provider.url,
        CATALYST_OTLP_ENDPOINT: collector.url,
        CATALYST_OTLP_TOKEN: OTLP_TOKEN,
        OTEL_EXPORTER_OTLP_HEADERS: `x-tenant=${TENANT}`,
        CATALYST_DEBUG: 'true',
        EXIT_MODE: mode,
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(lineOf(r.stdout, 'RESULT')).toEqual(['The capital of France is Paris.', 'The capital of France is Paris.', 'AuthenticationError', 'The capital of France is Paris.', 'The capital of France is Paris.']);
    // Debug output was on, and said things...
    expect(r.agent.some((l) => l.includes('debug:'))).toBe(true);
    // ...but nothing secret, anywhere in the process's output.
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    await collector.waitForSpans(5, 3000);
    expect(collector.spans).toHaveLength(5);
    expect(leaks(JSON.stringify(collector.spans))).toEqual([]);
    // The SDKs did send their keys to the provider (so the test is not vacuous)...
    const sent = JSON.stringify(provider.requests.map((q) => q.headers));
    expect(sent).toContain(SECRETS.SECRET_OPENAI);
    expect(sent).toContain(SECRETS.SECRET_ANTHROPIC);
    expect(sent).toContain(SECRETS.SECRET_AZURE);
    expect(sent).toContain(SECRETS.SECRET_X);
    expect(sent).toContain(SECRETS.SECRET_REQUEST);
    // ...while the OTLP token and headers went to the collector, and only there.
    expect(collector.requests.length).toBeGreaterThan(0);
    for (const q of collector.requests) {
      expect(q.headers.authorization).toBe(`Bearer ${OTLP_TOKEN}`);
      expect(q.headers['x-tenant']).toBe(TENANT);
    }
    expect(sent).not.toContain(OTLP_TOKEN);
    expect(sent).not.toContain(TENANT);
  }));

  it('a failing export names the endpoint without its credentials or query, and never the token', () => two(async () => {
    const collector = await startCollector();
    toClose.push(collector);
    collector.setBehavior({ status: 401 });
    const endpoint = collector.url.replace('http://', 'http://user:URLPASSWORD@') + '/?key=QUERYTOKEN';
    const r = await runScript(DIST, 'script.cjs', {
      env: { FAKE_BASE_URL: provider.url, CALLS: '1', STREAM: '0', CATALYST_OTLP_ENDPOINT: endpoint, CATALYST_OTLP_TOKEN: OTLP_TOKEN, CATALYST_DEBUG: 'true' },
    });
    expect(r.code).toBe(0);
    expect(r.agent.filter((l) => !l.includes('debug:'))).toEqual([expect.stringMatching(/refused the credentials \(HTTP 401\); check CATALYST_OTLP_TOKEN/)]);
    expect(r.stderr).toContain(`http://${collector.url.slice(7)}/v1/traces`);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    // The URL's own credentials were used for the request (Node sends them as Basic auth) only where no token overrides them.
    expect(collector.requests[0]?.headers.authorization).toBe(`Bearer ${OTLP_TOKEN}`);
  }));

  it('an invalid endpoint in the configuration is quoted with its credentials and query masked', () => two(async () => {
    const r = await runScript(DIST, 'script.cjs', {
      env: { FAKE_BASE_URL: provider.url, CALLS: '1', STREAM: '0', CATALYST_OTLP_ENDPOINT: 'ftp://user:URLPASSWORD@collector:4318/?key=QUERYTOKEN', CATALYST_TRACES_DIR: join(TMP, 'store') },
    });
    expect(r.code).toBe(0);
    expect(r.agent).toEqual([expect.stringMatching(/^\[catalyst-tracing\] CATALYST_OTLP_ENDPOINT="ftp:\/\/\*\*\*@collector:4318\/\?\*\*\*" is invalid/)]);
    expect(leaks(r.stderr)).toEqual([]);
  }));
});

describe.concurrent('an API key quoted back in a provider error', () => {
  it.each([
    ['default settings', {}],
    ['CATALYST_DEBUG on', { CATALYST_DEBUG: 'true' }],
  ])('is masked in every recorded status and exception event; the app gets the error untouched (%s)', (_label, extra) => two(async () => {
    const collector = await startCollector();
    toClose.push(collector);
    const keys = { SECRET_OPENAI: SECRETS.SECRET_OPENAI, SECRET_ANTHROPIC: SECRETS.SECRET_ANTHROPIC, SECRET_CUSTOM: 'custom-CLIENTKEY-0123456789' };
    const r = await runScript(DIST, 'key-echo.cjs', { env: { ...keys, ...extra, FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: collector.url } });
    expect(r.code, r.stderr).toBe(0);
    // The provider did quote the keys, and the app saw them in the very error it would get untraced.
    const untouched = { sameClass: true, keyInMessage: true, keyInStack: true };
    expect(lineOf(r.stdout, 'RESULT')).toEqual([
      { class: 'AuthenticationError', ...untouched },
      { class: 'AuthenticationError', ...untouched },
      { class: 'AuthenticationError', ...untouched },
      { class: 'AuthenticationError', ...untouched },
    ]);
    await collector.waitForSpans(4, 3000);
    expect(collector.spans).toHaveLength(4);
    const needles = [...NEEDLES, 'CLIENTKEY'];
    expect(needles.filter((n) => JSON.stringify(collector.spans).includes(n))).toEqual([]);
    expect(needles.filter((n) => (r.stdout + r.stderr).includes(n))).toEqual([]);
    // What was recorded is still the provider's message, with the key masked: status, exception message and stack.
    for (const span of collector.spans) {
      expect(span.status.code).toBe(2); // ERROR
      const event = span.events.find((/** @type {any} */ e) => e.name === 'exception');
      expect(event.attributes['exception.type']).toBe('AuthenticationError');
      expect(span.status.message).toMatch(/^401 .*(Incorrect API key provided: |invalid x-api-key: )(sk-)?\*\*\*/);
      expect(event.attributes['exception.message']).toBe(span.status.message);
      expect(event.attributes['exception.stacktrace']).toContain(span.status.message);
      expect(event.attributes['exception.stacktrace']).toMatch(/\n\s+at /);
    }
  }));
});

// ---------------------------------------------------------------------------
// Malformed values that carry credentials, in every variable that takes a URL, headers or a token

/**
 * The variables the configuration reads whose value is a URL, headers or a
 * token, found by watching which names resolveConfig asks an empty
 * environment for: a variable added later is covered without editing a list.
 */
function credentialVariables() {
  /** @type {Set<string>} */
  const asked = new Set();
  resolveConfig({}, new Proxy({}, { get: (_t, name) => void (typeof name === 'string' && asked.add(name)) }), KNOWN_INTEGRATIONS);
  return [...asked].filter((n) => /ENDPOINT|HEADERS|TOKEN/.test(n));
}
const CREDENTIAL_VALUES = [
  'user:URLPASSWORD@127.0.0.1:4318',
  '//user:URLPASSWORD@127.0.0.1:4318',
  'http://user:URL@PASSWORD@127.0.0.1:99999/?token=QUERYTOKEN',
  'authorization=Bearer BEARERTOKEN,x-tenant=%zz',
];

describe.concurrent('credentials in a malformed configuration value never reach stderr', () => {
  const names = credentialVariables();
  it('covers the endpoint, headers and token variables', () => {
    expect(names).toEqual(expect.arrayContaining(['CATALYST_OTLP_ENDPOINT', 'OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'CATALYST_OTLP_TOKEN', 'OTLP_INGEST_TOKEN']));
  });
  it.each(names.flatMap((name) => CREDENTIAL_VALUES.map((value) => [name, value])))('%s=%j', (name, value) => two(async () => {
    const r = await runScript(DIST, 'script.cjs', { env: { CALLS: '0', STREAM: '0', CATALYST_TRACES_DIR: join(TMP, 'store'), [name]: value } });
    expect(r.code).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    // Nor any part of a password that holds an @.
    expect(r.stderr).not.toMatch(/URL@|PASSWORD/);
    // The value is still reported, naming its variable (a token is only checked for characters a header cannot hold).
    if (!name.includes('TOKEN')) expect(r.agent).toEqual([expect.stringMatching(new RegExp(`^\\[catalyst-tracing\\] ${name}[ =]`))]);
  }));
});

describe.concurrent('a token sent over plain http://', () => {
  it('to a host that is not loopback: one line naming the variable, without the token', () => two(async () => {
    // No call is made, so nothing is sent: the warning comes from the configuration alone.
    const r = await runScript(DIST, 'script.cjs', { env: { CALLS: '0', STREAM: '0', CATALYST_OTLP_ENDPOINT: 'http://collector.invalid:4318', CATALYST_OTLP_TOKEN: OTLP_TOKEN } });
    expect(r.code).toBe(0);
    expect(r.agent).toEqual([expect.stringMatching(/^\[catalyst-tracing\] CATALYST_OTLP_TOKEN is sent in clear text: CATALYST_OTLP_ENDPOINT is a plain http:\/\/ URL to collector\.invalid:4318.*https:\/\//)]);
    expect(leaks(r.stderr)).toEqual([]);
  }));
  it('to a loopback host: nothing to say', () => two(async () => {
    const collector = await startCollector();
    toClose.push(collector);
    const r = await runScript(DIST, 'script.cjs', { env: { FAKE_BASE_URL: provider.url, CALLS: '1', STREAM: '0', CATALYST_OTLP_ENDPOINT: collector.url.replace('127.0.0.1', 'localhost'), CATALYST_OTLP_TOKEN: OTLP_TOKEN } });
    expect(r.code).toBe(0);
    expect(r.agent).toEqual([]);
    await collector.waitForSpans(1, 3000);
    expect(collector.requests[0]?.headers.authorization).toBe(`Bearer ${OTLP_TOKEN}`);
  }));
});

// ---------------------------------------------------------------------------
// TLS with a private CA

/** A throwaway CA and a certificate for 127.0.0.1 signed by it, made with openssl. */
function makeCertificates() {
  const dir = join(TMP, 'pki');
  execFileSync('mkdir', ['-p', dir]);
  const run = (/** @type {string[]} */ args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Catalyst Test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  return { dir, ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) };
}

/** An OTLP/HTTP collector behind TLS, decoding with the harness's decoder. @param {{ key: Buffer, cert: Buffer }} pki */
async function startTlsCollector(pki) {
  /** @type {any[]} */
  const spans = [];
  const server = createHttpsServer({ key: pki.key, cert: pki.cert }, async (req, res) => {
    const parts = [];
    for await (const p of req) parts.push(p);
    try {
      spans.push(...(await decodeTraceRequest(Buffer.concat(parts), String(req.headers['content-type']).split(';')[0], req.headers['content-encoding'])));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', () => res(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `https://127.0.0.1:${port}`,
    spans,
    close: () =>
      new Promise((res) => {
        server.close(() => res(undefined));
        server.closeAllConnections();
      }),
  };
}

describe.concurrent('an https endpoint with a private CA', () => {
  /** @type {ReturnType<typeof makeCertificates>} */
  let pki;
  /** @type {Awaited<ReturnType<typeof startTlsCollector>>} */
  let tls;
  /** @type {Awaited<ReturnType<typeof runScript>>} */
  let baseline;
  beforeAll(async () => {
    pki = makeCertificates();
    tls = await startTlsCollector(pki);
    toClose.push(tls);
    baseline = await runScript(DIST, 'script.cjs', { preload: 'none', env: { FAKE_BASE_URL: provider.url } });
  });

  it.each([
    ['NODE_EXTRA_CA_CERTS, normal end', { NODE_EXTRA_CA_CERTS: 'CA' }],
    ['NODE_EXTRA_CA_CERTS, process.exit (the synchronous exit path)', { NODE_EXTRA_CA_CERTS: 'CA', EXIT_MODE: 'exit', EXIT_CODE: '0' }],
    ['OTEL_EXPORTER_OTLP_CERTIFICATE', { OTEL_EXPORTER_OTLP_CERTIFICATE: 'CA' }],
  ])('works with %s', (_label, extra) => two(async () => {
    const own = await startTlsCollector(pki);
    toClose.push(own);
    const env = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v === 'CA' ? pki.ca : v]));
    const r = await runScript(DIST, 'script.cjs', { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: own.url, ...env } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const deadline = Date.now() + 3000;
    while (own.spans.length < 4 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(own.spans.length).toBe(4);
  }));

  it.each([
    ['a normal end', {}],
    ['process.exit', { EXIT_MODE: 'exit', EXIT_CODE: '0' }],
  ])('without the CA (%s): the app is unchanged, and one clear line says what to do', (_label, extra) => two(async () => {
    const r = await runScript(DIST, 'script.cjs', { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: tls.url, ...extra } });
    expect(r.code).toBe(0);
    expect(appStdout(r.stdout)).toBe(appStdout(baseline.stdout));
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    expect(r.agent).toHaveLength(1);
    expect(r.agent[0]).toMatch(/TLS error talking to https:\/\/127\.0\.0\.1:\d+\/v1\/traces \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    expect(r.agent[0]).toMatch(/NODE_EXTRA_CA_CERTS/);
  }));
});
