import { parsePort } from '../args';
import { println, untilStopped, type Ctx } from '../context';
import { CliError, UsageError } from '../io';
import { formatInt, terminalSafe } from '../text';
import { parsePositiveInt } from '../../config/parse';
import { DEFAULT_STORE_MAX_MB, MAX_STORE_MB } from '../../store/format';

/** `serve`: the local OTLP/HTTP receiver, until Ctrl-C (or the io's abort signal). */
export async function serve(ctx: Ctx): Promise<number> {
  const port = parsePort(ctx.values.port, 4318);
  const host = (ctx.values.host ?? '127.0.0.1').trim();
  if (host === '') throw new UsageError('--host needs a value, e.g. 127.0.0.1 or 0.0.0.0');
  const { style } = ctx;
  // Loaded only here: the decoders and the HTTP server are not needed by any other command.
  const { startReceiver } = await import('../serve/receiver');
  const { createUiHandler, isLoopbackHost } = await import('../ui/http');
  const viewer = createUiHandler({ dir: ctx.dir, loopbackOnly: isLoopbackHost(host), onError: (m) => ctx.io.err(`${style.yellow('warning:')} ${terminalSafe(m)}\n`) });
  const ignored = new Set<string>();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  try {
    receiver = await startReceiver({
      dir: ctx.dir,
      port,
      host,
      storeMaxBytes: storeCapBytes(ctx),
      viewer,
      onPrune: (message) => ctx.io.err(`${style.yellow('note:')} ${message}\n`),
      onBatch: (b) => {
        const services = [...new Set(b.spans.map((s) => s.resource['service.name']).filter((x) => typeof x === 'string'))].map((name) => terminalSafe(name)).join(', ');
        const traces = new Set(b.spans.map((s) => s.traceId)).size;
        const time = new Date(ctx.io.now()).toTimeString().slice(0, 8);
        const rejected = b.rejected ? style.red(` (${b.rejected} rejected)`) : '';
        println(ctx, `${style.dim(time)}  +${formatInt(b.spans.length)} span${b.spans.length === 1 ? '' : 's'} in ${traces} trace${traces === 1 ? '' : 's'}${services ? ` from ${services}` : ''} ${style.dim(`(${b.encoding})`)}${rejected}`);
      },
      onIgnored: (path) => {
        if (ignored.has(path)) return;
        ignored.add(path);
        println(ctx, style.dim(`(ignoring ${path.slice(4)} sent to ${path}: only traces are kept)`));
      },
      // Messages can quote the body (a JSON parser's excerpt) or its headers.
      onError: (message) => ctx.io.err(`${style.yellow('warning:')} ${terminalSafe(message)}\n`),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is already in use (another receiver or collector?); pick one with --port`);
    if (e.code === 'EACCES' && e.syscall === 'listen') throw new CliError(`not allowed to listen on ${host}:${port}; pick a port above 1023 with --port`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new CliError(`cannot listen on host '${host}': no such local address`);
    if (e.syscall === 'mkdir' || e.code === 'EACCES' || e.code === 'ENOTDIR' || e.code === 'EEXIST') throw new CliError(`cannot write the trace store at ${ctx.dir}: ${e.message}`);
    throw error;
  }

  if (!isLoopbackHost(host)) ctx.io.err(`${style.yellow('warning:')} listening on ${host}: anyone who can reach port ${receiver.port} on this machine can send traces and read them in the viewer\n`);
  println(ctx, `${style.bold('catalyst-tracing')} OTLP/HTTP receiver listening on ${style.cyan(receiver.tracesUrl)} (JSON or protobuf, gzip ok)`);
  println(ctx, `writing spans to ${receiver.writer.file}`);
  println(ctx, `trace viewer: ${style.cyan(`${receiver.baseUrl}/`)}`);
  println(ctx, '');
  println(ctx, 'Point an app at it:');
  println(ctx, `  any OpenTelemetry SDK:  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${receiver.tracesUrl}`);
  println(ctx, `                          (or OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.baseUrl} with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json)`);
  println(ctx, `  a Node.js app:          CATALYST_OTLP_ENDPOINT=${receiver.baseUrl} node --import @catalyst/tracing/register app.js`);
  println(ctx, `Then look: npx catalyst-tracing trace list${ctx.values.dir ? ` --dir ${ctx.dir}` : ''}`);
  println(ctx, style.dim('Ctrl-C to stop.'));

  await untilStopped(ctx);
  await receiver.close();
  println(ctx, `stopped; ${formatInt(receiver.writer.written)} span${receiver.writer.written === 1 ? '' : 's'} written${receiver.writer.written ? ` to ${receiver.writer.file}` : ''}`);
  return 0;
}

/** CATALYST_STORE_MAX_MB, read as the agent reads it (src/config/config.ts): the same store, the same cap. */
function storeCapBytes(ctx: Ctx): number {
  const raw = ctx.io.env.CATALYST_STORE_MAX_MB;
  if (raw === undefined || raw.trim() === '') return DEFAULT_STORE_MAX_MB * 1024 * 1024;
  const parsed = parsePositiveInt(raw, MAX_STORE_MB);
  if ('value' in parsed) return parsed.value * 1024 * 1024;
  ctx.io.err(`${ctx.style.yellow('warning:')} CATALYST_STORE_MAX_MB=${JSON.stringify(raw)} is invalid: ${parsed.problem}; using ${DEFAULT_STORE_MAX_MB}\n`);
  return DEFAULT_STORE_MAX_MB * 1024 * 1024;
}
