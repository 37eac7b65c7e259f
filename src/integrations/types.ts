import type { Tracer } from '@opentelemetry/api';

/**
 * One entry of the integration registry. It is deliberately tiny: the preload
 * reads every entry at start-up to build the loader's include list, so the code
 * that patches lives behind `load()` and is required only when the package
 * actually loads.
 */
export interface IntegrationSpec {
  /** The name users write in CATALYST_INSTRUMENTATIONS and setup({ modules }). */
  readonly name: string;
  /** Other spellings accepted wherever a name is (e.g. `openaiAgents` for setup({ modules }) keys). */
  readonly aliases?: readonly string[];
  /** The npm package whose loading triggers the patch. */
  readonly packageName: string;
  /** Majors the patcher is tested against; others are skipped with a reason. */
  readonly supportedMajors: readonly number[];
  /**
   * Module paths to hook, relative to the package root and without extension
   * (`''` is the package's main entry). Both the CJS and the ESM build of each
   * are hooked, because they hold different class objects.
   */
  readonly files: readonly string[];
  /**
   * Module-private bindings to hand the patcher, by file (a key among `files`),
   * for an ES module whose exports cannot reach what must be wrapped (pi-ai
   * keeps its provider registry in a module-level Map). For such a file the
   * ESM tap passes the patcher an object of these bindings instead of the
   * namespace; a binding the file does not have (a later version renamed it)
   * is undefined there. Only the ESM tap reads this.
   */
  readonly locals?: Readonly<Record<string, readonly string[]>>;
  /**
   * Exports of those modules whose binding the patch replaces (in their ES
   * module build, through the source tap: hooks/tap.ts), for an SDK whose
   * traced call is an exported function rather than a method.
   */
  readonly rebind?: readonly string[];
  /**
   * A Node builtin (`child_process`) the patch applies to instead of the
   * package's modules, when the app first loads it (hooks/builtins.ts); the
   * package itself is never loaded (the Claude Code CLI runs as a process).
   */
  readonly builtin?: string;
  load(): IntegrationPatcher;
}

export interface PatchContext {
  /** Resolved lazily on every call so a span always goes to the live provider. */
  getTracer(): Tracer;
}

export interface IntegrationPatcher {
  /**
   * Patch what `moduleExports` holds (a module namespace, the CJS exports, or a
   * class a user handed to setup({ modules })). Returns the number of methods
   * newly wrapped; 0 when everything was already patched. Throws only when the
   * shape is unrecognisable, which the caller reports as "skipped".
   */
  patch(moduleExports: unknown, ctx: PatchContext): number;
  /** Restore every method this patcher wrapped on `moduleExports`. */
  unpatch(moduleExports: unknown): void;
}

export type InstallStatus = 'patched' | 'detected' | 'not-installed' | 'skipped' | 'disabled' | 'error';

/** One line of setup()'s `installResults`: what happened to an integration. */
export interface InstallResult {
  name: string;
  packageName: string;
  status: InstallStatus;
  version?: string;
  reason?: string;
}
