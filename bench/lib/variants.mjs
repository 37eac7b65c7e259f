// The set-ups every measurement compares, as node arguments per module format.
import { join } from 'node:path';
import { BENCH_DIR } from './context.mjs';
import { fileUrl } from './spawn.mjs';

/** @typedef {'plain' | 'loader' | 'ours' | 'peer' | 'floor'} Variant */

export const LABELS = {
  plain: 'plain node',
  loader: 'off-thread loader only (no-op resolve hook)',
  ours: '@catalyst/tracing preload',
  peer: 'peer: OpenInference + NodeSDK (+ IITM loader on ESM)',
  floor: "floor: OpenTelemetry's span code alone, same attributes",
};

/**
 * Node arguments that preload a variant for an app of the given format: ours is
 * `--import <dist>/esm/register.mjs` for ESM apps and `--require <dist>/register.js`
 * for CJS apps, as a user would write it.
 * @param {Variant} variant @param {'esm' | 'cjs'} format @param {string} dist
 * @returns {string[]}
 */
export function preloadArgs(variant, format, dist) {
  const apps = join(BENCH_DIR, 'apps');
  switch (variant) {
    case 'plain':
      return [];
    case 'loader':
      return ['--import', fileUrl(join(apps, 'noop-loader.mjs'))];
    case 'ours':
      return format === 'esm' ? ['--import', fileUrl(join(dist, 'esm', 'register.mjs'))] : ['--require', join(dist, 'register.js')];
    case 'peer':
      return format === 'esm' ? ['--import', fileUrl(join(apps, 'peer-register.mjs'))] : ['--require', join(apps, 'peer-register.cjs')];
    case 'floor':
      return format === 'esm' ? ['--import', fileUrl(join(apps, 'floor-register.mjs'))] : ['--require', join(apps, 'floor-register.cjs')];
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

/**
 * Where traced variants export: ours reads CATALYST_OTLP_ENDPOINT (a base URL),
 * the peer's exporter OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL). Both are
 * set for every variant; a variant that does not trace ignores them.
 * @param {string} baseUrl e.g. http://127.0.0.1:PORT
 */
export function tracingEnv(baseUrl) {
  return {
    CATALYST_OTLP_ENDPOINT: baseUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${baseUrl}/v1/traces`,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
}
