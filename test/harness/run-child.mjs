// Runs an app file in a fresh Node process, the way a user would start it with the
// agent preloaded, and captures its output. Each child gets a clean environment so
// settings from the developer's shell (or from the test runner) cannot leak in.
import { execFileSync, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const DEFAULT_NODE = process.env.CATALYST_TEST_NODE || process.execPath;

/**
 * Variables that configure the agent, OpenTelemetry, the providers' SDKs or
 * the frameworks' own tracing. NODE_ENV too: vitest sets it to "test", and the
 * OpenAI Agents SDK turns its tracing off under NODE_ENV=test.
 */
const SCRUBBED = /^(CATALYST_|OTEL_|OTLP_|OPENAI_|ANTHROPIC_|CURSOR_|LANGCHAIN_|LANGSMITH_|AI_SDK_|OPENINFERENCE_|NODE_ENV$)/;

/**
 * A copy of process.env without agent/OTel/provider settings, and without
 * NODE_OPTIONS (the test runner may have put its own loaders there).
 * @returns {Record<string, string>}
 */
export function cleanEnv() {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !SCRUBBED.test(key) && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return env;
}

/**
 * @typedef {{
 *   script: string,
 *   cwd?: string,
 *   env?: Record<string, string | undefined>,
 *   preload?: 'import' | 'require' | 'node-options' | 'bun' | 'none',
 *   registerPath?: string,
 *   args?: string[],
 *   timeoutMs?: number,
 *   nodeBinary?: string,
 * }} RunChildOptions
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, durationMs: number }} RunChildResult
 */

/**
 * Spawns `node [--import|--require register] script ...args` (`bun --preload
 * register script` with preload 'bun': registerPath may then be a package specifier).
 * env entries are merged over cleanEnv(); an `undefined` value removes a variable.
 * cwd defaults to process.cwd(). Rejects (after SIGKILL) if the child outlives timeoutMs.
 * @param {RunChildOptions} options
 * @returns {Promise<RunChildResult>}
 */
export async function runChild({
  script,
  cwd = process.cwd(),
  env = {},
  preload = 'none',
  registerPath,
  args = [],
  timeoutMs = 20000,
  nodeBinary = DEFAULT_NODE,
}) {
  const childEnv = cleanEnv();
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }

  /** @type {string[]} */
  const nodeArgs = [];
  if (preload !== 'none') {
    if (!registerPath) throw new Error(`runChild: preload '${preload}' needs registerPath`);
    // A file URL works for --import on every platform and needs no quoting in NODE_OPTIONS.
    const registerUrl = pathToFileURL(registerPath).href;
    if (preload === 'bun') nodeArgs.push('--preload', registerPath);
    else if (preload === 'import') nodeArgs.push('--import', registerUrl);
    else if (preload === 'require') nodeArgs.push('--require', registerPath);
    else if (preload === 'node-options') {
      childEnv.NODE_OPTIONS = [childEnv.NODE_OPTIONS, `--import=${registerUrl}`].filter(Boolean).join(' ');
    } else throw new Error(`runChild: unknown preload '${preload}'`);
  }

  const started = performance.now();
  const child = spawn(nodeBinary, [...nodeArgs, script, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));

  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`runChild: could not start ${nodeBinary}: ${err.message}`));
    });
    // 'close' (not 'exit') so stdout/stderr are complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      if (timedOut) {
        reject(new Error(
          `runChild: ${script} did not exit within ${timeoutMs}ms (killed)\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
      } else {
        resolve({ code, signal, stdout, stderr, durationMs });
      }
    });
  });
}

/** @type {Map<string, number>} */
const majors = new Map();

/**
 * The major version of a Node binary (default: the one tests run children with).
 * @param {string} [nodeBinary]
 * @returns {number}
 */
export function nodeMajor(nodeBinary = DEFAULT_NODE) {
  let major = majors.get(nodeBinary);
  if (major === undefined) {
    const version = nodeBinary === process.execPath
      ? process.versions.node
      : execFileSync(nodeBinary, ['-p', 'process.versions.node'], { encoding: 'utf8', env: cleanEnv() }).trim();
    major = Number(version.split('.')[0]);
    majors.set(nodeBinary, major);
  }
  return major;
}
