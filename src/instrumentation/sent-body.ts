import type { Context, Span } from '@opentelemetry/api';
import { getState } from '../state';
import { safely } from './safe';
import { writeAttributes } from '../trace/write';
import { ownDataValue, withJsonText } from '../trace/encode';
import { markTracedCall, tracedCallDetail } from '../trace/traced-call';

/**
 * The request body as a Stainless SDK (openai, @anthropic-ai/sdk) sent it.
 *
 * Request attributes are taken from the JSON text the SDK serialised, not from
 * the params the app passed. Reading the params runs the app's code (a getter,
 * a `toJSON`) once more per read, so the provider would receive a later value
 * than without tracing, and the span could show another value than was sent.
 * The SDKs serialise the params in the client's `buildRequest` (every major
 * has it, sync or async, and it returns `{ req: { body } }`), so wrapping it
 * hands us the exact text the provider receives, after the app's code ran as
 * often as it does untraced. Per call that costs one `JSON.parse` of the body,
 * in place of the walks over the params it replaces. (Snapshotting the params
 * ourselves would still run each accessor one extra time, and handing the SDK
 * a copy would change what it reads, and how often.)
 *
 * A call finds its body through the context: the traced `create` runs the SDK
 * in a context that carries a one-shot receiver, and `buildRequest` runs in
 * that context (the SDK awaits in between; the context follows). Not through
 * the params object: the SDKs send a copy at times (Anthropic's without
 * `betas`, openai 6's embeddings with `encoding_format`). The receiver rides
 * on the context's traced-call mark (trace/traced-call.ts), which every
 * traced call sets anyway, and is told by its shape, so that another copy of
 * this package in the process finds it too.
 */

interface Receiver {
  receive(sent: string | undefined): void;
  done: boolean;
}

interface BuiltRequest {
  req?: { body?: unknown };
}

/**
 * Whether `client` builds its requests through an observed `buildRequest`
 * (a subclass's own, such as AzureOpenAI's, calls up to it). If not, the
 * caller maps the params instead: better than a span without its input.
 */
export function sendsObservedBody(client: unknown): boolean {
  const patched = getState().patched;
  for (let o = client as object | null; o && typeof o === 'object'; o = Object.getPrototypeOf(o)) {
    const own = ownDataValue(o, 'buildRequest');
    if (typeof own === 'function' && patched.has(own)) return true;
  }
  return false;
}

/**
 * Writes a call's request attributes: at once those that need nothing of the
 * body (`toAttributes(undefined)`), the rest from the body the SDK sends, so the
 * app's getters and toJSON run only as often as the SDK runs them. A client
 * whose `buildRequest` is not observed has its params mapped instead (better
 * than a span without its input). Returns the context to call the SDK in.
 */
export function writeRequestAttributes(span: Span, client: unknown, params: unknown, parent: Context, toAttributes: (request: unknown) => Record<string, unknown>): Context {
  // Nothing to build for a span that is not recorded (a full queue, an unsampled trace).
  if (!span.isRecording()) return parent;
  writeAttributes(span, toAttributes(undefined));
  if (!sendsObservedBody(client)) {
    writeAttributes(span, toAttributes(params));
    return parent;
  }
  return expectSentBody(parent, (sent) => {
    if (!span.isRecording()) return;
    const asSent = requestAsSent(params, sent);
    const request = asSent?.request;
    writeAttributes(span, asSent?.json !== undefined ? withJsonText(request as object, asSent.json, () => toAttributes(request)) : toAttributes(request));
  });
}

/**
 * `parent` with a receiver for the body of the first request built in it:
 * `receive` gets its JSON text (undefined for a body that is not text), once.
 */
export function expectSentBody(parent: Context, receive: (sent: string | undefined) => void): Context {
  const receiver: Receiver = { receive, done: false };
  return markTracedCall(parent, receiver);
}

function isReceiver(value: unknown): value is Receiver {
  return typeof value === 'object' && value !== null && typeof (value as Receiver).receive === 'function';
}

/**
 * Called by the observed `buildRequest` (request-builder.ts) for each request
 * it builds: hands the body to the receiver of the context it runs in, once.
 */
export function observeBuilt(built: unknown): void {
  const receiver = tracedCallDetail();
  if (!isReceiver(receiver) || receiver.done) return;
  receiver.done = true;
  if (built && typeof (built as Promise<BuiltRequest>).then === 'function') {
    // Observed from the side: the SDK gets its own promise back, rejection and all.
    (built as Promise<BuiltRequest>).then(
      (b) => deliver(receiver, b),
      () => undefined,
    );
  } else {
    deliver(receiver, built as BuiltRequest);
  }
}

function deliver(receiver: Receiver, built: BuiltRequest | undefined): void {
  safely('request.body', () => {
    const body = built?.req?.body;
    receiver.receive(typeof body === 'string' ? body : undefined);
  });
}

/** What requestAsSent gives: the request, and its JSON text when that is exactly the text sent. */
export interface SentRequest {
  request: unknown;
  /** `sent` itself, when re-encoding `request` gives it back (safeJson then reuses it: see withJsonText). */
  json?: string;
}

/**
 * The request as the app made it, each value as the SDK sent it: the keys of
 * `params` in their order, valued from the parsed body. A key the SDK sends
 * elsewhere (Anthropic's `betas` go in a header) keeps the app's value when it
 * is plain data (a primitive, or an array of them), read from its property
 * descriptor so that no getter runs; else it is left out. Keys the SDK added
 * itself (a default `encoding_format`) are left out, so a plain-data request
 * maps exactly as its params would. Undefined when the text is not JSON.
 */
export function requestAsSent(params: unknown, sent: string | undefined): SentRequest | undefined {
  if (sent === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(sent);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(params)) return { request: parsed };
  const out: Record<string, unknown> = {};
  let asParsed = true;
  const sentKeys = Object.keys(parsed);
  let at = 0;
  for (const key of Object.keys(params)) {
    if (Object.prototype.hasOwnProperty.call(parsed, key)) {
      out[key] = parsed[key];
      // (An own `__proto__` sets the copy's prototype instead of a key.)
      if (sentKeys[at++] !== key || key === '__proto__') asParsed = false;
      continue;
    }
    asParsed = false;
    const own = Object.getOwnPropertyDescriptor(params, key);
    if (own && 'value' in own && isPlainScalarOrList(own.value)) out[key] = own.value;
  }
  // The SDK's JSON.stringify gave `sent`; re-encoding what it parses to, same keys in the same order, gives it back.
  return asParsed && at === sentKeys.length && !sent.includes('\n') ? { request: out, json: sent } : { request: out };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value);
}

function isPlainScalarOrList(value: unknown): boolean {
  if (isScalar(value)) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const own = Object.getOwnPropertyDescriptor(value, i);
    if (!own || !('value' in own) || !isScalar(own.value)) return false;
  }
  return true;
}
