// The trace viewer in a real browser (Debian's chromium, driven by
// playwright-core; no browser is downloaded). A store is written by real traced
// apps (the demo agent, an Anthropic tool loop, a LangGraph graph and ReAct
// agent) against the loopback fake provider; `catalyst-tracing ui` serves it,
// and every assertion is on text the page shows. A second store holds bad
// input (markup in span content, a missing parent, 5,000 spans, a 1 MB prompt,
// corrupt lines). UPDATE_UI_SCREENSHOTS=1 rewrites docs/images/ui-*.png.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useAppHarness } from '../harness/app-harness.mjs';
import { hexId, span } from '../cli/helpers/store-gen.mjs';
import { BAD, writeBadStore } from './bad-store.mjs';

const CHROMIUM = process.env.CATALYST_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(`the browser tests need chromium at ${CHROMIUM} (CI installs it: apt-get install -y chromium)`);
}
if (!haveChromium) console.warn(`skipping the viewer's browser tests: no chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const h = useAppHarness({ name: 'ui', env: { ANTHROPIC_API_KEY: 'sk-ant-api03-ui-test-0123456789' } });

/** `catalyst-tracing ui` on `dir`, on a free port; resolves with its URL once it listens. */
async function startUi(dist, dir) {
  const child = spawn(process.execPath, [join(dist, 'cli.js'), 'ui', '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ui did not start:\n${out}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /viewer on (http:\/\/\S+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`ui exited with ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}

describe.skipIf(!haveChromium)('catalyst-tracing ui in a browser', () => {
  const good = mkdtempSync(join(tmpdir(), 'catalyst-ui-good-'));
  const bad = mkdtempSync(join(tmpdir(), 'catalyst-ui-bad-'));
  /** @type {Awaited<ReturnType<typeof startUi>>} */ let goodUi;
  /** @type {Awaited<ReturnType<typeof startUi>>} */ let badUi;
  /** @type {import('playwright-core').BrowserContext} */ let browser;
  /** @type {import('playwright-core').Page} */ let page;
  const pageErrors = [];

  beforeAll(async () => {
    const store = { CATALYST_OTLP_ENDPOINT: undefined, CATALYST_TRACES_DIR: good };
    await h.runApp('../../../examples/demo-agent.mjs', { env: { ...store, DEMO_BASE_URL: h.provider.baseURL, CATALYST_SERVICE_NAME: 'demo-agent' } });
    await h.runApp('anthropic-esm.mjs', { env: { ...store, CATALYST_SERVICE_NAME: 'anthropic-app' } });
    await h.runApp('langchain-esm.mjs', { env: { ...store, ONLY: 'graph,reactAgent', CATALYST_SERVICE_NAME: 'langgraph-app' }, timeoutMs: 40_000 });
    writeBadStore(bad);
    [goodUi, badUi] = await Promise.all([startUi(h.dist, good), startUi(h.dist, bad)]);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'catalyst-ui-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      pageErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    goodUi?.child.kill();
    badUi?.child.kill();
  });

  const shot = async (name) => {
    if (process.env.UPDATE_UI_SCREENSHOTS !== '1') return;
    mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
    await page.screenshot({ path: join(ROOT, `docs/images/ui-${name}.png`) });
  };

  it('lists the apps\' traces, newest first, with their columns', async () => {
    await page.goto(`${goodUi.url}#/traces`);
    const table = page.locator('table.traces');
    await expect.poll(() => table.innerText()).toContain('weather-agent');
    const text = await table.innerText();
    for (const column of ['start', 'root', 'agent', 'session', 'user', 'service', 'duration', 'spans', 'LLM', 'tokens', 'status']) expect(text).toContain(column);
    for (const seen of ['demo-agent', 'anthropic-app', 'langgraph-app', 'scenario-graph', 'scenario-reactAgent', 'session-42', 'user-7']) expect(text).toContain(seen);
    // Anthropic's error calls make error traces; the filter keeps only those.
    await page.selectOption('select[aria-label=status]', 'error');
    await expect.poll(() => page.url()).toContain('status=error');
    await expect.poll(() => table.innerText()).not.toContain('scenario-graph');
    expect(await table.innerText()).toContain('error');
    await page.goto(`${goodUi.url}#/traces`);
    await expect.poll(() => table.innerText()).toContain('scenario-graph');
    await shot('traces');
  });

  it('searches inputs and outputs; `/` focuses the search box', async () => {
    await page.goto(`${goodUi.url}#/agents`);
    await page.locator('h2', { hasText: 'Agents' }).waitFor();
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.type('bake bread');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('q=bake');
    const table = page.locator('table.traces');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.innerText()).toContain('scenario-graph');
  });

  it('opens a trace: tree and waterfall, then a span\'s conversation with its tool calls', async () => {
    await page.goto(`${goodUi.url}#/traces?service=demo-agent`);
    await page.locator('table.traces a', { hasText: 'weather-agent' }).first().click();
    await page.locator('.rows .row').first().waitFor();
    const rows = await page.locator('.rows').innerText();
    expect(rows).toContain('AGENT');
    expect(rows).toContain('OpenAI Chat Completions');
    expect(rows).toContain('get_weather');
    expect(await page.locator('.axis').innerText()).toMatch(/ms|s/);
    await page.locator('.rows .row', { hasText: 'OpenAI Chat Completions' }).last().click();
    const panel = page.locator('aside.panel');
    await expect.poll(() => panel.innerText()).toContain('Conversation');
    const text = await panel.innerText();
    expect(text).toContain('What is the weather in Paris and Tokyo?');
    expect(text).toContain('tool call get_weather');
    expect(text).toContain('"location": "Paris, France"');
    expect(text).toMatch(/It's currently 18°C/);
    expect(text).toContain('Tokens');
    expect(text).toContain('Invocation parameters');
    expect(page.url()).toMatch(/#\/trace\/[0-9a-f]{32}\/[0-9a-f]{16}$/);
    await shot('trace');
    // The URL is the view: reloading it shows the same span.
    await page.reload();
    await expect.poll(() => page.locator('aside.panel').innerText()).toContain('What is the weather in Paris and Tokyo?');
    // Arrow keys move through the spans.
    const before = page.url();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.url()).not.toBe(before);
    await expect.poll(() => page.locator('.row.selected').innerText()).toContain('get_weather');
  });

  it('shows the Anthropic tool loop and the LangGraph agent as conversations', async () => {
    await page.goto(`${goodUi.url}#/traces?agent=weather-agent-1`);
    await page.locator('table.traces a').first().click();
    await page.locator('.rows .row', { hasText: 'Anthropic Messages' }).last().click();
    const panel = page.locator('aside.panel');
    await expect.poll(() => panel.innerText()).toContain('[round-trip] Weather in Paris?');
    expect(await panel.innerText()).toContain('tool call get_weather');

    await page.goto(`${goodUi.url}#/traces?q=${encodeURIComponent('Weather in Paris?')}&service=langgraph-app`);
    await page.locator('table.traces a', { hasText: 'scenario-reactAgent' }).click();
    await page.locator('.rows .row .kind', { hasText: 'LLM' }).first().click();
    await expect.poll(() => panel.innerText()).toContain('Weather in Paris?');
    expect(await panel.innerText()).toMatch(/tool call get_weather|get_weather/);
  });

  it('groups traces by session, in time order, and agents with their runs', async () => {
    await page.goto(`${goodUi.url}#/sessions`);
    await page.locator('table a', { hasText: 'session-42' }).first().click();
    await expect.poll(() => page.locator('.conversation').innerText()).toContain('What is the weather in Paris and Tokyo?');
    expect(await page.locator('h2').innerText()).toContain('Session session-42');
    await page.goto(`${goodUi.url}#/sessions`);
    await page.locator('table').waitFor();
    await shot('sessions');

    await page.goto(`${goodUi.url}#/agents`);
    const table = page.locator('table');
    await expect.poll(() => table.innerText()).toContain('weather-agent');
    const text = await table.innerText();
    for (const column of ['runs', 'error rate', 'tokens', 'p50', 'p95', 'last seen']) expect(text).toContain(column);
    expect(text).toContain('scenario-graph');
    await shot('agents');
    await table.locator('a', { hasText: 'scenario-graph' }).click();
    await expect.poll(() => page.url()).toContain('#/traces?agent=scenario-graph');
    await expect.poll(() => page.locator('table.traces tbody tr').count()).toBe(1);
  });

  it('shows new traces as they are stored, without a reload', async () => {
    await page.goto(`${goodUi.url}#/traces`);
    const table = page.locator('table.traces');
    await expect.poll(() => table.innerText()).toContain('weather-agent');
    const traceId = hexId('ui-live', 16);
    const now = Date.now();
    writeFileSync(join(good, `${new Date(now).toISOString().replace(/:/g, '-')}-777-abc123.jsonl`), `{"catalystTraceStore":1,"writer":"agent"}\n`);
    appendFileSync(
      join(good, `${new Date(now).toISOString().replace(/:/g, '-')}-777-abc123.jsonl`),
      `${JSON.stringify(span({ traceId, spanId: hexId('ui-live-root', 8), name: 'arrived-live', start: now, end: now + 5, resource: { 'service.name': 'live' } }))}\n`,
    );
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain('arrived-live');
  });

  it('shows span content as text, never as markup', async () => {
    await page.goto(`${badUi.url}#/trace/${BAD.xss}/${BAD.xssLlm}`);
    const panel = page.locator('aside.panel');
    await expect.poll(() => panel.innerText()).toContain(BAD.IMG);
    const text = await panel.innerText();
    expect(text).toContain(BAD.LINK);
    expect(text).toContain(BAD.SCRIPT); // inside the invocation parameters
    expect(text).toContain('chat <b>bold</b>');
    expect(text).toContain('javascript:window.__xss=5');
    expect(text).toMatch(/SYSTEM\s+hidden/);
    await page.locator('.rows .row', { hasText: 'xss-agent' }).click();
    await expect.poll(() => panel.innerText()).toContain(BAD.SCRIPT);
    // Nothing ran, nothing became an element or a link.
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(await page.locator('main img, main script, main b:text("bold"), main i').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('stays usable with a 5,000-span trace, a missing parent, a 1 MB prompt and corrupt lines, and says what it skipped', async () => {
    await page.goto(`${badUi.url}#/traces`);
    const notes = page.locator('.notes');
    await expect.poll(() => notes.innerText()).toContain('skipped 1 corrupt line');
    expect(await notes.innerText()).toMatch(/are not a whole line/);

    const started = Date.now();
    await page.goto(`${badUi.url}#/trace/${BAD.big}`);
    await page.locator('.rows .row').first().waitFor();
    expect(await page.locator('.trace-head').innerText()).toContain('5,000 spans');
    expect(Date.now() - started).toBeLessThan(10_000);
    // Only the rows in view are in the page.
    expect(await page.locator('.rows .row').count()).toBeLessThan(120);
    await page.locator('.rows').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('.rows').innerText()).toContain('step-4999');

    await page.goto(`${badUi.url}#/trace/${BAD.orphan}`);
    await expect.poll(() => page.locator('.notes').innerText()).toContain("1 span's parent is not in the store");
    expect(await page.locator('.rows').innerText()).toContain('orphan-step');

    await page.goto(`${badUi.url}#/trace/${BAD.prompt}/${BAD.promptLlm}`);
    const panel = page.locator('aside.panel');
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('BIG-PROMPT');
    expect(await panel.innerText()).toContain('showing the first 20,000 of 1,048,576 characters');
    expect(pageErrors).toEqual([]);
  });

  it('says "not found" for unknown traces, spans, sessions and pages', async () => {
    for (const [hash, heading] of [
      [`#/trace/${'0'.repeat(32)}`, 'Trace not found'],
      [`#/trace/not-an-id`, 'Trace not found'],
      [`#/trace/${BAD.xss}/${'0'.repeat(16)}`, 'Span not found'],
      ['#/session/no-such-session', 'Session not found'],
      ['#/no/such/view', 'Page not found'],
    ]) {
      await page.goto(`${badUi.url}${hash}`);
      await expect.poll(() => page.locator('main').innerText(), { message: hash }).toContain(heading);
    }
  });

  it('works in a narrow window', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      await page.goto(`${goodUi.url}#/traces?service=demo-agent`);
      await page.locator('table.traces a', { hasText: 'weather-agent' }).first().click();
      await page.locator('.rows .row', { hasText: 'OpenAI Chat Completions' }).last().click();
      await expect.poll(() => page.locator('aside.panel').innerText()).toContain('What is the weather in Paris and Tokyo?');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
