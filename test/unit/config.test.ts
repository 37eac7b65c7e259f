import { describe, expect, it } from 'vitest';
import { resolveConfig as resolveWith, type Env } from '../../src/config/config';
import { envPrivacy } from '../../src/config/privacy';
import type { CatalystOptions } from '../../src/config/types';
import { KNOWN_INTEGRATIONS } from '../../src/integrations/registry';

/** With the registry's names, as the agent calls it. */
const resolveConfig = (options: CatalystOptions, env: Env) => resolveWith(options, env, KNOWN_INTEGRATIONS);

describe('resolveConfig', () => {
  it('appends /v1/traces to a base endpoint and sends the token as a bearer header', () => {
    const { config, problems } = resolveConfig({}, { CATALYST_OTLP_ENDPOINT: 'https://ingest.example.com', CATALYST_OTLP_TOKEN: 'tok' });
    expect(problems).toEqual([]);
    expect(config.endpoint).toBe('https://ingest.example.com/v1/traces');
    expect(config.headers).toEqual({ Authorization: 'Bearer tok' });
  });

  it('keeps an endpoint that already ends in /v1/traces', () => {
    expect(resolveConfig({}, { CATALYST_OTLP_ENDPOINT: 'http://h:4318/v1/traces/' }).config.endpoint).toBe('http://h:4318/v1/traces/');
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as a full URL', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://h:4318/custom' }).config.endpoint).toBe('http://h:4318/custom');
  });

  it('orders precedence: options, CATALYST_*, legacy, OTEL_*', () => {
    const env = {
      CATALYST_SERVICE_NAME: 'catalyst',
      SERVICE_NAME: 'legacy',
      OTEL_SERVICE_NAME: 'otel',
      OTLP_ENDPOINT: 'http://legacy:1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:2',
      OTLP_INGEST_TOKEN: 'legacy-token',
    };
    const fromEnv = resolveConfig({}, env).config;
    expect(fromEnv.serviceName).toBe('catalyst');
    expect(fromEnv.endpoint).toBe('http://legacy:1/v1/traces');
    expect(fromEnv.headers.Authorization).toBe('Bearer legacy-token');
    const fromOptions = resolveConfig({ serviceName: 'opt', endpoint: 'http://opt:3', token: 't' }, env).config;
    expect(fromOptions.serviceName).toBe('opt');
    expect(fromOptions.endpoint).toBe('http://opt:3/v1/traces');
    expect(resolveConfig({}, { SERVICE_NAME: 'legacy', OTEL_SERVICE_NAME: 'otel' }).config.serviceName).toBe('legacy');
    expect(resolveConfig({}, { OTEL_SERVICE_NAME: 'otel', OTEL_RESOURCE_ATTRIBUTES: 'service.name=res' }).config.serviceName).toBe('otel');
    expect(resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=res,deployment.environment=prod' }).config.serviceName).toBe('res');
  });

  it('reads OTEL headers and resource attributes, percent-decoded', () => {
    const { config } = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'x-team=a%20b,api-key=k', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' });
    expect(config.headers).toEqual({ 'x-team': 'a b', 'api-key': 'k' });
    expect(config.resourceAttributes).toEqual({ 'deployment.environment': 'prod' });
  });

  it('falls back to the local store with one problem naming the variable for a malformed URL', () => {
    for (const bad of ['not a url', 'ingest.example.com', 'ftp://x/y']) {
      const { config, problems } = resolveConfig({}, { CATALYST_OTLP_ENDPOINT: bad });
      expect(config.endpoint).toBeUndefined();
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^CATALYST_OTLP_ENDPOINT=.* is invalid: expected an http/);
      expect(problems[0]).toMatch(/local store/);
    }
  });

  it('reports non-boolean flags and unknown integrations, and runs on', () => {
    const { config, problems } = resolveConfig({}, { CATALYST_DEBUG: 'maybe', CATALYST_INSTRUMENTATIONS: 'openai,nope', CATALYST_MAX_QUEUE_SIZE: '-5' });
    expect(config.debug).toBe(false);
    expect([...config.enabledIntegrations]).toEqual(['openai']);
    expect(config.maxQueueSize).toBe(2048);
    expect(config.maxQueueBytes).toBe(64 * 1024 * 1024);
    expect(problems.some((p) => p.startsWith('CATALYST_DEBUG="maybe" is invalid: expected true or false'))).toBe(true);
    expect(problems.some((p) => p.includes('CATALYST_INSTRUMENTATIONS names unknown integration "nope"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CATALYST_MAX_QUEUE_SIZE="-5" is invalid'))).toBe(true);
  });

  it('treats a blank CATALYST_ variable as a problem and a blank OTEL_ one as unset', () => {
    const { problems } = resolveConfig({}, { CATALYST_SERVICE_NAME: '  ', OTEL_SERVICE_NAME: '' });
    expect(problems).toEqual(['CATALYST_SERVICE_NAME is set but empty; it is ignored']);
  });

  it('turns everything off with CATALYST_DISABLED or OTEL_SDK_DISABLED', () => {
    expect(resolveConfig({}, { CATALYST_DISABLED: 'true' }).config.disabled).toBe(true);
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'TRUE' }).config.disabled).toBe(true);
    expect(resolveConfig({}, {}).config.disabled).toBe(false);
  });

  it('filters integrations with CATALYST_DISABLED_INSTRUMENTATIONS', () => {
    const enabled = [...resolveConfig({}, { CATALYST_DISABLED_INSTRUMENTATIONS: 'openai' }).config.enabledIntegrations];
    expect(enabled).not.toContain('openai');
    expect(enabled).toContain('anthropic');
  });

  it('never echoes header values in a problem line', () => {
    const { problems } = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'secret-without-equals-sign' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toContain('secret');
  });

  it('reads the OpenInference privacy variables', () => {
    const { config } = resolveConfig({}, { OPENINFERENCE_HIDE_INPUTS: 'true', OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: '100', CATALYST_MAX_ATTRIBUTE_LENGTH: '10' });
    expect(config.privacy.hideInputs).toBe(true);
    expect(config.privacy.base64ImageMaxLength).toBe(100);
    expect(config.privacy.maxAttributeLength).toBe(10);
  });

  it('encodes as http/protobuf by default; setup(), then the traces variable, then the general one choose', () => {
    const protocol = (options: object, env: Record<string, string>) => resolveConfig(options, env);
    expect(protocol({}, {}).config.protocol).toBe('http/protobuf');
    expect(protocol({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config.protocol).toBe('http/json');
    expect(protocol({}, { OTEL_EXPORTER_OTLP_PROTOCOL: ' HTTP/JSON ' }).config.protocol).toBe('http/json');
    expect(protocol({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config.protocol).toBe('http/protobuf');
    expect(protocol({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).config.protocol).toBe('http/json');
    expect(protocol({ protocol: 'http/json' }, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).config.protocol).toBe('http/json');
    // A blank OTEL_* value is unset: the default holds.
    expect(protocol({}, { OTEL_EXPORTER_OTLP_PROTOCOL: '' })).toMatchObject({ config: { protocol: 'http/protobuf' }, problems: [] });
    const grpc = protocol({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' });
    expect(grpc.config.protocol).toBe('http/protobuf');
    expect(grpc.problems).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc is not supported: spans are sent as OTLP\/HTTP \(protobuf\).*4318/)]);
    const bad = protocol({ protocol: 'thrift' }, {});
    expect(bad.config.protocol).toBe('http/protobuf');
    expect(bad.problems).toEqual(['setup({ protocol })="thrift" is invalid: expected http/protobuf, http/json or grpc; sending OTLP/HTTP protobuf']);
    expect(protocol({ protocol: 42 }, {}).problems).toEqual(['setup({ protocol }) must be a string, not the number 42; it is ignored']);
  });
});

describe('envPrivacy', () => {
  // Spans written without a running agent read the privacy variables alone; they must mean what they mean to the agent.
  it('reads the privacy variables as resolveConfig does, bad and blank values included', () => {
    const envs: Env[] = [
      {},
      { OPENINFERENCE_HIDE_INPUTS: 'true', OPENINFERENCE_HIDE_OUTPUTS: '1', OPENINFERENCE_HIDE_INPUT_MESSAGES: 'yes', OPENINFERENCE_HIDE_OUTPUT_MESSAGES: 'on' },
      { OPENINFERENCE_HIDE_INPUT_IMAGES: 'TRUE', OPENINFERENCE_HIDE_INPUT_TEXT: 'true', OPENINFERENCE_HIDE_OUTPUT_TEXT: 'true', CATALYST_REDACT_CONTENT: 'true' },
      { OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: '100', CATALYST_MAX_ATTRIBUTE_LENGTH: '10' },
      { OPENINFERENCE_HIDE_INPUTS: 'maybe', OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: '-1', CATALYST_MAX_ATTRIBUTE_LENGTH: ' ', CATALYST_REDACT_CONTENT: '' },
    ];
    for (const env of envs) expect(envPrivacy(env)).toEqual(resolveConfig({}, env).config.privacy);
  });
});
