import { getState } from '../../state';
import { resolveConfig, type KnownIntegrations } from '../../config/config';
import { debug, reportInternalError, setDebug, warnOnce } from '../../diagnostics/report';
import { buildPipeline, type BuiltPipeline } from '../../export/pipeline';
import { lossReporter, sendAtExit } from '../../export/lifecycle';
import { openCodePlugin, type OpenCodePlugin, type TracingHandle } from './plugin';

/**
 * `@catalyst/tracing/opencode`: an OpenCode plugin (OpenCode runs under Bun,
 * where no Node preload can enter). Listed in OpenCode's `plugin` config, it
 * traces the user's sessions; it reads the same CATALYST_* / OTEL_* variables
 * as the agent and exports OTLP, or writes the local store with no endpoint.
 * Built as one ES module of its own (dist/opencode.mjs): no loader hooks, no
 * shared core.
 */

/** The plugin registers no module integrations: any name in CATALYST_INSTRUMENTATIONS (meant for the Node agent) is accepted silently. */
const ANY_INTEGRATION: KnownIntegrations = { names: [], canonical: (name) => name };

/** Unless a variable names the service, OpenCode's spans are the `opencode` service's. */
function serviceNamed(env: NodeJS.ProcessEnv): boolean {
  return ['CATALYST_SERVICE_NAME', 'SERVICE_NAME', 'OTEL_SERVICE_NAME'].some((name) => !!env[name]?.trim()) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
}

function startTracing(): TracingHandle | undefined {
  const state = getState();
  // Another copy of the package already runs in this process: its pipeline and its exit path serve.
  if (state.config) {
    const running = state.config;
    if (running.disabled || !state.startPipeline) return undefined;
    const start = state.startPipeline;
    const flush = (): Promise<void> => bounded(start().forceFlush(), running.flushTimeoutMs);
    return { tracer: () => start().tracer, flush, shutdown: flush, exit: () => {} };
  }
  const { config, problems, warnings } = resolveConfig(serviceNamed(process.env) ? {} : { serviceName: 'opencode' }, process.env, ANY_INTEGRATION);
  setDebug(config.debug);
  for (const p of [...problems, ...warnings]) warnOnce(`config:${p}`, p);
  // The privacy settings (CATALYST_REDACT_CONTENT...) are read from here by every attribute write.
  state.config = config;
  if (config.disabled) {
    debug('disabled by CATALYST_DISABLED / OTEL_SDK_DISABLED');
    return undefined;
  }
  let pipeline: BuiltPipeline | undefined;
  const start = (): BuiltPipeline => (pipeline ??= buildPipeline(config));
  state.startPipeline = start;
  debug(`OpenCode plugin started; service ${config.serviceName}`);
  // One budget, CATALYST_FLUSH_TIMEOUT_MS, from OpenCode's shutdown to the process's end: a dead endpoint
  // delays OpenCode's exit by at most that, however the flush at shutdown and the exit path share it.
  let deadline: number | undefined;
  const startBudget = (): number => (deadline ??= Date.now() + config.flushTimeoutMs);
  return {
    tracer: () => start().tracer,
    flush: () => (pipeline ? bounded(pipeline.forceFlush(), config.flushTimeoutMs) : Promise.resolve()),
    shutdown: () => {
      const until = startBudget();
      if (!pipeline) return Promise.resolve();
      // Exports stop retrying; a batch still unanswered at the deadline is left to the exit path.
      pipeline.beginExit();
      return bounded(pipeline.forceFlush(), until - Date.now());
    },
    exit: () => {
      if (!pipeline) return;
      // The agent's own end: what is queued is written or sent within what is left of the budget (it starts
      // now with no shutdown first), and one line counts what was lost.
      lossReporter(pipeline, config.flushTimeoutMs)(sendAtExit(pipeline, startBudget()));
    },
  };
}

/** Waits for `work` at most `ms`; never rejects. */
function bounded(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    timer.unref?.();
    work.then(
      () => (clearTimeout(timer), resolve()),
      (error: unknown) => (clearTimeout(timer), reportInternalError('opencode.flush', error), resolve()),
    );
  });
}

/** The plugin function (OpenCode calls it once with its context and gets the hooks). */
export const CatalystTracing: OpenCodePlugin = openCodePlugin(startTracing);

/** OpenCode's plugin module shape: `{ id, server }`. */
const plugin: { id: string; server: OpenCodePlugin } = { id: '@catalyst/tracing', server: CatalystTracing };
export default plugin;

export type { OpenCodeHooks, OpenCodePlugin } from './plugin';
