import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePort } from '../args';
import { println, untilStopped, type Ctx } from '../context';
import { CliError, UsageError } from '../io';
import { terminalSafe } from '../text';

/** `ui`: the web viewer over the local store, until Ctrl-C (or the io's abort signal). */
export async function ui(ctx: Ctx): Promise<number> {
  const port = parsePort(ctx.values.port, 6007);
  const host = (ctx.values.host ?? '127.0.0.1').trim();
  if (host === '') throw new UsageError('--host needs a value, e.g. 127.0.0.1 or 0.0.0.0');
  const { style } = ctx;
  const { createUiHandler, isLoopbackHost } = await import('../ui/http');
  const loopback = isLoopbackHost(host);
  const handler = createUiHandler({ dir: ctx.dir, loopbackOnly: loopback, onError: (m) => ctx.io.err(`${style.yellow('warning:')} ${terminalSafe(m)}\n`) });
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is already in use (another viewer?); pick one with --port`);
    if (e.code === 'EACCES') throw new CliError(`not allowed to listen on ${host}:${port}; pick a port above 1023 with --port`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new CliError(`cannot listen on host '${host}': no such local address`);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const shown = loopback ? (address.family === 'IPv6' ? `[${address.address}]` : address.address) : host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `http://${shown}:${address.port}/`;
  if (!loopback) ctx.io.err(`${style.yellow('warning:')} listening on ${host}: anyone who can reach port ${address.port} on this machine can read the traces\n`);
  println(ctx, `${style.bold('catalyst-tracing')} viewer on ${style.cyan(url)} (traces in ${ctx.dir})`);
  println(ctx, style.dim('Ctrl-C to stop.'));
  if (ctx.values.open) openBrowser(url, ctx);

  await untilStopped(ctx);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return 0;
}

/** The system's own opener; if there is none, the printed URL is the way in. */
function openBrowser(url: string, ctx: Ctx): void {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => ctx.io.err(`${ctx.style.yellow('note:')} could not open a browser (${cmd}); open ${url} yourself\n`));
    child.unref();
  } catch {
    ctx.io.err(`${ctx.style.yellow('note:')} could not open a browser; open ${url} yourself\n`);
  }
}
