import type { Tracer } from '@opentelemetry/api';
import { getState, livePipeline, type AgentState } from './state';
import { resolveConfig } from './config/config';

import { parseBoolean } from './config/parse';
import type { CatalystOptions, ResolvedConfig } from './config/types';
import { setDebug, warnOnce, debug } from './diagnostics/report';
import { INTEGRATIONS, KNOWN_INTEGRATIONS } from './integrations/registry';
import { applyIntegration } from './integrations/install';
import type { IntegrationSpec, PatchContext } from './integrations/types';
import { installCjsHook } from '../hooks/cjs';
import { installEsmHook } from '../hooks/esm';
import { builtinWatcher } from '../hooks/builtins';
import { watchUntracedRequests } from './instrumentation/untraced-requests';

/**
 * Starting the agent, shared by the preload and setup(): configuration, the
 * export pipeline, the loader hooks. Runs once per process whatever calls it;
 * later calls return the running state.
 */
export interface StartResult {
  state: AgentState;
  /** False when tracing is off (disabled, or a worker thread). */
  active: boolean;
  /** Configuration problems found by this call (empty when it found the agent already running). */
  problems: string[];
}

export function startAgent(options: CatalystOptions = {}, source: 'preload' | 'setup'): StartResult {
  const state = getState();
  if (state.config) return { state, active: !!state.startPipeline, problems: [] };

  if (!onMainThread() && !tracesWorkers()) {
    // Workers re-run --import; tracing them is opt-in. Leave state.config unset so nothing else starts here.
    return { state, active: false, problems: [] };
  }

  const { config, problems, warnings } = resolveConfig(options, process.env, KNOWN_INTEGRATIONS);
  setDebug(config.debug);
  for (const p of [...problems, ...warnings]) warnOnce(`config:${p}`, p);
  state.config = config;
  if (config.disabled) {
    debug('disabled by CATALYST_DISABLED / OTEL_SDK_DISABLED');
    return { state, active: false, problems };
  }

  state.startPipeline = () => {
    if (!state.pipeline) {
      const { buildPipeline } = require('./export/pipeline') as typeof import('./export/pipeline');
      const { installLifecycle } = require('./export/lifecycle') as typeof import('./export/lifecycle');
      const pipeline = buildPipeline(config);
      state.pipeline = pipeline;
      installLifecycle(pipeline, config.flushTimeoutMs);
      debug('export pipeline started');
    }
    return state.pipeline;
  };
  installHooks(state, config);
  if (PROVIDER_INTEGRATIONS.every((name) => config.enabledIntegrations.has(name))) watchUntracedRequests();
  debug(`started from ${source}; service ${config.serviceName}`);
  return { state, active: true, problems };
}

/**
 * The integrations that trace the model API requests the untraced-request hint
 * watches for. An app that switched one off chose to leave such calls untraced:
 * no hint then.
 */
const PROVIDER_INTEGRATIONS = ['openai', 'anthropic', 'ai-sdk'];

export function enabledSpecs(config: ResolvedConfig): IntegrationSpec[] {
  return INTEGRATIONS.filter((s) => config.enabledIntegrations.has(s.name));
}

export function patchContext(state: AgentState): PatchContext {
  return { getTracer: (): Tracer => livePipeline(state)!.tracer };
}

function installHooks(state: AgentState, config: ResolvedConfig): void {
  const specs = enabledSpecs(config);
  const ctx = patchContext(state);
  const onLoad = (spec: IntegrationSpec, moduleExports: unknown, baseDir: string | undefined): void => {
    applyIntegration(spec, moduleExports, ctx, baseDir);
  };
  const builtins = !state.hooksInstalled.cjs || !state.hooksInstalled.esm ? builtinWatcher(specs, onLoad) : undefined;
  if (!state.hooksInstalled.cjs) {
    state.hooksInstalled.cjs = true;
    installCjsHook(specs, onLoad, builtins);
  }
  if (!state.hooksInstalled.esm) {
    state.hooksInstalled.esm = true;
    installEsmHook(specs, onLoad, builtins);
  }
}

/**
 * Loading node:worker_threads costs ~4 ms of start-up, a tenth of the budget.
 * On the main thread process.abort is Node's own `abort`; in a worker Node
 * swaps it for a stub. Only that exact name skips the module; anything else
 * asks node:worker_threads. (Were a future Node to name its stub `abort` too,
 * workers would be traced as under CATALYST_TRACE_WORKERS; the worker tests in
 * test/reliability would show it.)
 */
function onMainThread(): boolean {
  if (process.abort.name === 'abort') return true;
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

/** Read before the config is resolved (a worker must not resolve it at all); same spellings as every boolean. */
function tracesWorkers(): boolean {
  const raw = process.env.CATALYST_TRACE_WORKERS;
  if (raw === undefined) return false;
  const parsed = parseBoolean(raw);
  return 'value' in parsed && parsed.value;
}
