// Provider answers of unexpected shape, through the real SDKs: a field
// missing, a new content-block or event type, wrong types, a stream that ends
// without its final chunk, a stream whose connection dies half way. Each call
// is tagged [shape-...]; the RESULT line records what the app got (a text, a
// value, or the error's class), so the test can compare it with a run without
// the agent: tracing must not change any of it, and must not throw.
'use strict';
const Anthropic = require('@anthropic-ai/sdk');
const OpenAI = require('openai');

const fx = (name, extra = {}) => ({ headers: { 'x-fixture': name, ...extra } });

/** A fetch whose response body fails after `chunks` chunks, as a dropped connection does. */
function cuttingFetch(chunks) {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (!res.body) return res;
    const reader = res.body.getReader();
    let seen = 0;
    const body = new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if (++seen > chunks) {
          reader.cancel().catch(() => undefined);
          return controller.error(new TypeError('terminated: other side closed'));
        }
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function settle(fn) {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: error?.constructor?.name ?? String(error), message: String(error?.message ?? error).slice(0, 80) };
  }
}

const summarise = (m) => ({ content: m?.content, usage: m?.usage ?? null, stop: m?.stop_reason ?? null });

async function main() {
  const baseURL = process.env.SHAPES_BASE_URL;
  const anthropic = new Anthropic({ baseURL, maxRetries: 0 });
  // The cut streams replay the ordinary fixtures, from the ordinary fake provider.
  const cutAnthropic = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0, fetch: cuttingFetch(3) });
  const openai = new OpenAI({ baseURL: `${baseURL}/v1`, maxRetries: 0 });
  const cutOpenai = new OpenAI({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, maxRetries: 0, fetch: cuttingFetch(3) });
  const ask = (tag) => ({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] });
  const chat = (tag) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] });
  const drain = async (stream, pick) => {
    const parts = [];
    for await (const item of stream) {
      const p = pick(item);
      if (p !== undefined) parts.push(p);
    }
    return parts.join('');
  };
  const out = {};

  for (const name of ['no-usage', 'no-content', 'new-block', 'wrong-types']) {
    out[`anthropic-${name}`] = await settle(async () => summarise(await anthropic.messages.create(ask(`shape-anthropic-${name}`), fx(`anthropic/shape-${name}`))));
  }
  out['anthropic-no-stop'] = await settle(() =>
    anthropic.messages.create({ ...ask('shape-anthropic-no-stop'), stream: true }, fx('anthropic/shape-no-stop')).then((s) => drain(s, (e) => e.delta?.text)),
  );
  out['anthropic-new-events'] = await settle(() =>
    anthropic.messages.create({ ...ask('shape-anthropic-new-events'), stream: true }, fx('anthropic/shape-new-events')).then((s) => drain(s, (e) => e.delta?.text)),
  );
  out['anthropic-helper-no-stop'] = await settle(() => anthropic.messages.stream(ask('shape-anthropic-helper-no-stop'), fx('anthropic/shape-no-stop')).finalText());
  out['anthropic-cut'] = await settle(() =>
    cutAnthropic.messages.create({ ...ask('shape-anthropic-cut'), stream: true }, fx('anthropic/messages-basic', { 'x-fixture-delay-ms': '5' })).then((s) => drain(s, (e) => e.delta?.text)),
  );

  for (const name of ['no-choices', 'no-usage', 'new-fields', 'wrong-types']) {
    out[`openai-${name}`] = await settle(async () => {
      const c = await openai.chat.completions.create(chat(`shape-openai-${name}`), fx(`openai/shape-${name}`));
      return { choices: c.choices ?? null, usage: c.usage ?? null };
    });
  }
  out['openai-no-done'] = await settle(() =>
    openai.chat.completions.create({ ...chat('shape-openai-no-done'), stream: true }, fx('openai/shape-no-done')).then((s) => drain(s, (c) => c.choices?.[0]?.delta?.content)),
  );
  out['openai-new-fields-stream'] = await settle(() =>
    openai.chat.completions.create({ ...chat('shape-openai-new-fields-stream'), stream: true }, fx('openai/shape-new-fields')).then((s) => drain(s, (c) => c.choices?.[0]?.delta?.content)),
  );
  out['openai-cut'] = await settle(() =>
    cutOpenai.chat.completions.create({ ...chat('shape-openai-cut'), stream: true }, fx('openai/chat-basic', { 'x-fixture-delay-ms': '5' })).then((s) => drain(s, (c) => c.choices?.[0]?.delta?.content)),
  );

  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main();
