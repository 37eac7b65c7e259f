import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getState } from '../state';
import { debug, reportInternalError } from '../diagnostics/report';
import type { InstallResult, IntegrationSpec, PatchContext } from './types';

/**
 * The one function that applies an integration to a loaded module, whoever
 * found it (the CJS hook, the ESM hook, setup({ modules }), instrumentX()).
 * It checks the version, patches, and records the outcome in installResults.
 * It never throws: a module it cannot patch is left exactly as it was.
 */
export function applyIntegration(spec: IntegrationSpec, moduleExports: unknown, ctx: PatchContext, baseDir?: string): InstallResult {
  const results = getState().installResults;
  const version = baseDir ? readVersion(baseDir) : undefined;
  const record = (r: Omit<InstallResult, 'name' | 'packageName'>): InstallResult => {
    const previous = results.get(spec.name);
    // A module patched earlier (the other build, or an earlier hook) stays "patched".
    const result: InstallResult = previous?.status === 'patched' && r.status !== 'patched' && r.status !== 'error'
      ? previous
      : { name: spec.name, packageName: spec.packageName, ...r, version: r.version ?? previous?.version };
    results.set(spec.name, result);
    return result;
  };

  const major = version ? Number.parseInt(version, 10) : undefined;
  if (major !== undefined && !spec.supportedMajors.includes(major)) {
    debug(`${spec.packageName}@${version} is not a supported major (${spec.supportedMajors.join(', ')}); left alone`);
    return record({ status: 'skipped', version, reason: `version ${version} is outside the supported majors ${spec.supportedMajors.join(', ')}` });
  }
  try {
    const patcher = spec.load();
    const count = patcher.patch(moduleExports, ctx);
    debug(`${spec.packageName}${version ? `@${version}` : ''}: ${count} method(s) wrapped`);
    // 0 wrapped is "already done" only if something was patched before; otherwise the SDK's shape drifted.
    if (count === 0 && results.get(spec.name)?.status !== 'patched') {
      return record({ status: 'skipped', version, reason: 'none of the traced methods exists in this version' });
    }
    return record({ status: 'patched', version });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // An unrecognisable shape (the SDK moved a method) is "skipped", never a crash.
    if (/no .* in this module|not a function|cannot find/i.test(reason)) {
      debug(`${spec.packageName}: skipped: ${reason}`);
      return record({ status: 'skipped', version, reason });
    }
    reportInternalError(`patching ${spec.packageName}`, error);
    return record({ status: 'error', version, reason });
  }
}

const versions = new Map<string, string | undefined>();

export function readVersion(baseDir: string): string | undefined {
  if (!versions.has(baseDir)) {
    let version: string | undefined;
    try {
      version = (JSON.parse(readFileSync(join(baseDir, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      version = undefined;
    }
    versions.set(baseDir, version);
  }
  return versions.get(baseDir);
}
