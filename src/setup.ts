import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { enabledSpecs, patchContext, startAgent } from './agent';
import type { CatalystOptions } from './config/types';
import { INTEGRATIONS, findIntegration } from './integrations/registry';
import { applyIntegration, readVersion } from './integrations/install';
import type { InstallResult } from './integrations/types';
import { getState, livePipeline, type AgentState } from './state';
import { warnOnce } from './diagnostics/report';
import { CatalystConfigError, CatalystInstrumentationError } from './errors';
import { PACKAGE_NAME } from './version';

export interface SetupOptions extends CatalystOptions {
  /** Throw CatalystConfigError / CatalystInstrumentationError instead of reporting and running on. */
  strict?: boolean;
}

export interface CatalystHandle {
  /** Our tracer; a no-op tracer when tracing is off. */
  tracer: Tracer;
  /** Our tracer provider; undefined when tracing is off. */
  provider: BasicTracerProvider | undefined;
  /** One entry per integration in the registry. */
  installResults: InstallResult[];
  /** Export everything ended so far. */
  forceFlush(): Promise<void>;
  /** Flush and stop exporting; later spans are dropped. */
  shutdown(): Promise<void>;
}

/**
 * Start tracing from code: for apps that cannot use the preload, or that want
 * to hand SDK modules over directly (bundled apps, where no loader hook sees the
 * import). Idempotent: a second call, or a call after the preload, returns the
 * same running agent and patches any newly given modules.
 */
export async function setup(options: SetupOptions = {}): Promise<CatalystHandle> {
  const { state, active, problems } = startAgent(options, 'setup');
  if (options.strict && problems.length) throw new CatalystConfigError(problems[0]!, problems);
  if (active && state.config) {
    const ctx = patchContext(state);
    for (const [name, moduleExports] of Object.entries(options.modules ?? {})) {
      const spec = findIntegration(name);
      if (!spec) {
        const message = `setup({ modules }) names unknown integration "${name}" (known: ${INTEGRATIONS.map((i) => i.name).join(', ')})`;
        if (options.strict) throw new CatalystInstrumentationError(message, name);
        warnOnce(`modules:${name}`, `${message}; it is ignored`);
        continue;
      }
      const result = applyIntegration(spec, moduleExports, ctx, packageDir(spec.packageName));
      if (options.strict && result.status === 'error') throw new CatalystInstrumentationError(`${name}: ${result.reason}`, name);
    }
    if (state.config.autoInstrument && options.autoInstrument !== false) detectInstalled(state);
  }
  return handle(state);
}

/** The handle of the running agent, for code that did not call setup() itself. */
export function handle(state: AgentState = getState()): CatalystHandle {
  const pipeline = livePipeline(state);
  return {
    tracer: pipeline?.tracer ?? new ProxyTracerProvider().getTracer(PACKAGE_NAME),
    provider: pipeline?.provider,
    installResults: installResults(state),
    forceFlush: () => pipeline?.forceFlush() ?? Promise.resolve(),
    shutdown: () => pipeline?.shutdown() ?? Promise.resolve(),
  };
}

function installResults(state: AgentState): InstallResult[] {
  const enabled = state.config?.enabledIntegrations;
  return INTEGRATIONS.map((spec) => {
    const known = state.installResults.get(spec.name);
    if (known) return { ...known };
    if (!state.startPipeline) return { name: spec.name, packageName: spec.packageName, status: 'disabled', reason: 'tracing is off' };
    if (enabled && !enabled.has(spec.name)) return { name: spec.name, packageName: spec.packageName, status: 'disabled', reason: 'excluded by configuration' };
    return { name: spec.name, packageName: spec.packageName, status: 'not-installed' };
  });
}

const appRequire = createRequire(join(process.cwd(), 'noop.js'));

/** The installed package's folder: its main entry resolved, then up to the package.json naming it (few SDKs export ./package.json). */
function packageDir(packageName: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(appRequire.resolve(packageName));
  } catch {
    return undefined;
  }
  for (;;) {
    const version = readVersion(dir);
    if (version !== undefined && readName(dir) === packageName) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function readName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/**
 * Auto-detection: an installed SDK is "detected"; if the app already loaded its
 * CommonJS build, that copy is patched now. Later loads are patched by the hooks.
 */
function detectInstalled(state: AgentState): void {
  const ctx = patchContext(state);
  for (const spec of enabledSpecs(state.config!)) {
    if (state.installResults.get(spec.name)?.status === 'patched') continue;
    const dir = packageDir(spec.packageName);
    if (!dir) continue;
    let loaded: unknown;
    try {
      const main = appRequire.resolve(spec.packageName);
      loaded = appRequire.cache[main]?.exports;
    } catch {
      loaded = undefined;
    }
    if (loaded) applyIntegration(spec, loaded, ctx, dir);
    else state.installResults.set(spec.name, { name: spec.name, packageName: spec.packageName, status: 'detected', version: readVersion(dir), reason: 'installed, not loaded yet: patched when the app loads it (an ESM app that imported it before setup() should pass it in modules)' });
  }
}
