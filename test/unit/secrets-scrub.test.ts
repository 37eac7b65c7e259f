import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, maskConfigValue, rememberSecret, scrubSecrets } from '../../src/diagnostics/secrets';
import { endIncomplete, endWithError } from '../../src/instrumentation/span-lifecycle';
import { errorOf } from '../../src/integrations/openai-agents/attributes';
import { safeJson } from '../../src/trace/encode';
import { inMemoryTracing } from './in-memory';

afterEach(() => forgetSecrets());

describe('scrubSecrets', () => {
  it.each([
    ['401 Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz0123. You can find your API key at https://platform.openai.com/account/api-keys.', '401 Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.'],
    ['invalid x-api-key: sk-ant-api03-abcdefghijklmnopqrstuvwxyz', 'invalid x-api-key: ***'],
    ['request failed with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc-_/+=', 'request failed with Authorization: ***'],
    ['sent bearer abc.def~ghi', 'sent bearer ***'],
    ['headers {"api-key":"azure0123","x-api-key":"k2","Api_Key":\'k3\'}', 'headers {"api-key":"***","x-api-key":"***","Api_Key":\'***\'}'],
    ['options { apiKey: \'k1\', access_token=t2&client_secret=s3 }', 'options { apiKey: \'***\', access_token=***&client_secret=*** }'],
    ['connect ECONNREFUSED https://user:pa55@proxy.internal:8080/v1', 'connect ECONNREFUSED https://***@proxy.internal:8080/v1'],
  ])('masks %j', (text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it('masks a remembered secret of any shape wherever it appears', () => {
    rememberSecret('custom-CLIENTKEY-0123');
    rememberSecret('short'); // too likely to be an ordinary word
    expect(scrubSecrets('bad key custom-CLIENTKEY-0123 (custom-CLIENTKEY-0123); short')).toBe('bad key *** (***); short');
  });

  it.each([
    'This model\'s maximum context length is 8192 tokens; max_tokens: 5 given',
    'Error: task-management-agent-for-the-large-scale-tests failed',
    '    at Object.<anonymous> (/srv/app/node_modules/openai/core/error.js:12:34)',
    'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000',
    'The api key field is required',
    'Bearer tokens are not accepted here',
    'see https://platform.openai.com/account/api-keys and mailto:support@example.com',
    '',
  ])('leaves ordinary text alone: %j', (text) => {
    // "Bearer tokens..." loses its next word at most; everything else is unchanged.
    const out = scrubSecrets(text);
    if (text.startsWith('Bearer')) expect(out).toBe('Bearer *** are not accepted here');
    else expect(out).toBe(text);
  });
});

describe('masking time', () => {
  it.each(['sk-', 'http://', 'api-key:', 'bearer ', 'a=b,', 'x@', 'a:'])('stays linear on a megabyte of %j', (unit) => {
    const text = unit.repeat(Math.ceil(1e6 / unit.length));
    const started = performance.now();
    scrubSecrets(text);
    maskConfigValue(text);
    // Quadratic work on this input takes minutes; linear work takes milliseconds even on a busy machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('what a span records of an error', () => {
  const t = inMemoryTracing();

  it('is scrubbed (status, exception message and stack); the error itself is untouched', () => {
    t.reset();
    rememberSecret('custom-CLIENTKEY-0123');
    class AuthenticationError extends Error {}
    const error = new AuthenticationError('401 Incorrect API key provided: custom-CLIENTKEY-0123');
    const { message, stack } = error;
    const span = t.tracer.startSpan('call');
    endWithError(span, error);
    expect(error.message).toBe(message);
    expect(error.stack).toBe(stack);
    expect(error).toBeInstanceOf(AuthenticationError);
    const [recorded] = t.spans();
    expect(recorded!.status.message).toBe('401 Incorrect API key provided: ***');
    const event = recorded!.events.find((e) => e.name === 'exception')!;
    expect(event.attributes!['exception.type']).toBe('AuthenticationError');
    expect(event.attributes!['exception.message']).toBe('401 Incorrect API key provided: ***');
    expect(String(event.attributes!['exception.stacktrace'])).toMatch(/^Error: 401 Incorrect API key provided: \*\*\*\n\s+at /);
    expect(JSON.stringify(recorded!.events) + recorded!.status.message).not.toContain('CLIENTKEY');
  });

  it('is scrubbed in the reason of a span ended by a crash', () => {
    t.reset();
    endIncomplete(t.tracer.startSpan('open'), 'process crashed: 401 Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz');
    expect(t.spans()[0]!.events[0]!.attributes).toEqual({ reason: 'process crashed: 401 Incorrect API key provided: sk-***' });
  });

  it('copes with an error whose message is not a string', () => {
    t.reset();
    const odd = Object.assign(new Error('x'), { message: 42 as unknown as string, stack: undefined });
    endWithError(t.tracer.startSpan('odd'), odd);
    expect(t.spans()).toHaveLength(1);
  });

  it('is scrubbed in the OpenAI Agents SDK error and an Error written as a value', () => {
    const failure = errorOf({ message: 'Error getting response', data: { error: 'AuthenticationError: 401 Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz' } });
    expect(failure).toEqual({ type: 'AuthenticationError', message: 'Error getting response: 401 Incorrect API key provided: sk-***' });
    expect(safeJson({ error: new Error('Authorization: Bearer abcdefgh') })).toBe('{"error":{"name":"Error","message":"Authorization: ***"}}');
  });
});
