// Runs the real `claude` CLI (the fixture package's binary) every way an app
// does: execFile with a callback, promisified execFile by absolute path, spawn
// reading a stream-json stream, exec through a shell, spawn of $CLAUDE_BIN
// (a link not named claude), a failing run, the documented explicit agentSpan
// around execFile, and execFileSync / execSync / spawnSync. It prints `RESULT {...}`: what the app saw.
import { exec, execFile, execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '../node_modules/.bin/claude');
const exe = join(here, '../node_modules/@anthropic-ai/claude-code/bin/claude.exe');
const dist = process.env.CATALYST_DIST;
const api = process.env.EXPLICIT ? await import(`${dist}/esm/index.mjs`) : undefined;

// The CLI waits for stdin in print mode: each run closes it, as an app that has no input for it does.
const closeStdin = (child) => (child.stdin?.end(), child);
const viaCallback = (file, args) =>
  new Promise((resolve) => closeStdin(execFile(file, args, (error, stdout, stderr) => resolve({ code: error?.code ?? 0, stdout, stderrLines: stderr.split('\n').length }))));
const promised = (fn, ...args) => {
  const p = promisify(fn)(...args);
  closeStdin(p.child);
  return p;
};
const viaSpawn = (file, args) =>
  new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('close', (code) => {
      lines = text.split('\n').filter(Boolean).length;
      resolve({ code, lines, last: JSON.parse(text.trim().split('\n').pop()).type });
    });
  });

const out = {};
if (process.env.CLI_OTLP) {
  // The CLI's own OpenTelemetry export on (its variables), to see its spans join the trace through TRACEPARENT.
  const env = {
    ...process.env,
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.CLI_OTLP,
  };
  out.telemetry = await promised(execFile, bin, ['-p', 'Say hello', '--output-format', 'json'], { env }).then((r) => JSON.parse(r.stdout).result);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  process.exit(0);
}
out.text = await viaCallback(bin, ['-p', 'Say hello', '--output-format', 'text']);
out.json = await promised(execFile, exe, ['-p', 'Say hello', '--output-format', 'json']).then((r) => ({ keys: Object.keys(r).sort(), type: JSON.parse(r.stdout).type }));
out.stream = await viaSpawn(bin, ['-p', 'Say hello', '--output-format', 'stream-json', '--verbose']);
out.shell = await promised(exec, `"${bin}" -p "Say hello" --output-format json`).then((r) => JSON.parse(r.stdout).result);
out.claudeBin = await viaCallback(process.env.CLAUDE_BIN, ['-p', 'Say hello from CLAUDE_BIN']).then((r) => r.stdout);
out.fail = await viaCallback(bin, ['-p', 'Please FAIL now.', '--output-format', 'json']).then((r) => ({ code: r.code, isError: JSON.parse(r.stdout).is_error }));
if (api) {
  out.explicit = await api.agentSpan({ name: 'ClaudeCode', system: 'anthropic', spanName: 'claude-code.invocation' }, () =>
    promised(execFile, bin, ['-p', 'Say hello', '--output-format', 'json']).then((r) => JSON.parse(r.stdout).result),
  );
}
// The synchronous forms (stdin given, and closed, by `input`).
out.execFileSync = JSON.parse(execFileSync(exe, ['-p', 'Say hello', '--output-format', 'json'], { input: '' }).toString()).result;
out.execSync = execSync(`"${bin}" -p "Say hello" --output-format stream-json --verbose`, { input: '' }).toString().trim().split('\n').length > 2;
const sync = spawnSync(bin, ['-p', 'Say hello'], { input: '' });
out.spawnSync = { status: sync.status, stdout: sync.stdout.toString() };
out.echo = await viaCallback('echo', ['not claude']).then((r) => r.stdout);
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
