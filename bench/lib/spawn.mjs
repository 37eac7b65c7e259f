// Spawning bench children: a clean environment (nothing from the developer's
// shell that configures the agent, OTel or the SDKs), wall time by hrtime
// around the child, and the child's result read from its last stdout line.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv } from '../../test/harness/run-child.mjs';
import { ROOT } from './context.mjs';

/**
 * @param {{ node: string, args: string[], env?: Record<string, string>, cwd?: string, timeoutMs?: number }} options
 * @returns {Promise<{ wallMs: number, stdout: string, stderr: string, result: any }>}
 */
export function runNode({ node, args, env = {}, cwd, timeoutMs = 180_000 }) {
  const childEnv = { ...cleanEnv(), ...env };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let result;
      try {
        result = JSON.parse(last);
      } catch {
        result = undefined;
      }
      if (code !== 0 || result === undefined) {
        reject(new Error(`bench child ${args.join(' ')} ${signal ? `killed by ${signal}` : `exited ${code}`}\n--- stdout ---\n${stdout.slice(-2000)}\n--- stderr ---\n${stderr.slice(-4000)}`));
        return;
      }
      resolve({ wallMs, stdout, stderr, result });
    });
  });
}

/**
 * A child kept alive to run measurement blocks on request (the workload's
 * `blocks` task): `ready` resolves once it has warmed up; `run(message)`
 * resolves with its answer; `close()` ends it and resolves once it has exited
 * cleanly; `kill()` ends it at once. Its answers come over IPC, so its stdout
 * is not read.
 * @param {{ node: string, args: string[], env?: Record<string, string>, timeoutMs?: number }} options
 */
export function startWorker({ node, args, env = {}, timeoutMs = 600_000 }) {
  const child = spawn(node, args, { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const describe = (/** @type {number | null} */ code, /** @type {string | null} */ signal) =>
    new Error(`bench worker ${args.join(' ')} ${signal ? `killed by ${signal}` : `exited ${code}`}\n--- stderr ---\n${stderr.slice(-4000)}`);
  // 'exit', not 'close': a child whose IPC channel the parent disconnected never emits 'close'.
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const failed = exited.then(({ code, signal }) => {
    throw describe(code, signal);
  });
  failed.catch(() => undefined);
  /** @type {((value: any) => void)[]} */
  const waiting = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const next = () => Promise.race([new Promise((resolve) => waiting.push(resolve)), failed]);
  const ready = next();
  return {
    ready,
    /** @param {unknown} message */
    run(message) {
      const answer = next();
      child.send(/** @type {any} */ (message));
      return answer;
    },
    async close() {
      child.disconnect();
      const { code, signal } = await exited;
      clearTimeout(timer);
      if (code !== 0) throw describe(code, signal);
    },
    /** Ends the child at once (after a failure elsewhere); nothing if it has exited. */
    kill() {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Runs `fn(variant, round)` for `rounds` rounds, every variant once per round,
 * the order rotated each round so no variant always goes first (or last) after
 * the same neighbour. Returns each variant's results in round order.
 * @template T
 * @param {number} rounds @param {string[]} variants
 * @param {(variant: string, round: number) => Promise<T>} fn
 * @returns {Promise<Record<string, T[]>>}
 */
export async function alternate(rounds, variants, fn) {
  /** @type {Record<string, T[]>} */
  const out = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    const order = variants.map((_, i) => variants[(i + r) % variants.length]);
    for (const v of order) out[v].push(await fn(v, r));
  }
  return out;
}

export const fileUrl = (path) => pathToFileURL(path).href;

/** The machine's Node when it is the major asked for; otherwise scripts/fetch-node.mjs's binary. @param {string} version */
export function nodeBinary(version) {
  if (version === process.versions.node || version === process.versions.node.split('.')[0]) return process.execPath;
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'fetch-node.mjs'), version], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binary = out.trim().split('\n').pop();
  if (!binary) throw new Error(`bench: scripts/fetch-node.mjs named no binary for Node ${version}`);
  return binary;
}
