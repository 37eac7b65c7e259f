import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IntegrationPatcher } from '../types';
import { deferred } from '../../instrumentation/deferred';
import type { EveConverterOptions } from './calls';

/**
 * Eve bundles itself and `ai` into its build output, so no loader hook ever
 * sees them load: there is nothing to wrap. The app's instrumentation file
 * (`@catalyst/tracing/eve`) adds a span processor to Eve's own pipeline
 * instead, and hands this patch the slot behind it; patching fills the slot
 * with the converter (calls.ts, loaded then). Through the registry the
 * integration is named like any other: CATALYST_INSTRUMENTATIONS can leave it
 * out, and installResults reports it.
 *
 * One converter per process: a second instrumentation file (or the same file
 * in a second bundle) gets an empty slot, so no turn is exported twice.
 */
export interface EveSlot {
  readonly options: EveConverterOptions;
  converter?: SpanProcessor;
}

const ACTIVE = Symbol.for('@catalyst/tracing.eve-slot');
type GlobalWithSlot = typeof globalThis & { [ACTIVE]?: EveSlot };

const calls = deferred('eve.calls', () => require('./calls') as typeof import('./calls'));

function isSlot(value: unknown): value is EveSlot {
  return !!value && typeof value === 'object' && 'options' in value;
}

export const evePatcher: IntegrationPatcher = {
  patch(slot: unknown): number {
    if (!isSlot(slot)) throw new Error('no Eve span processor slot in this module: use @catalyst/tracing/eve from an instrumentation file');
    const g = globalThis as GlobalWithSlot;
    if (g[ACTIVE] !== undefined) return 0;
    const module = calls();
    if (!module) return 0;
    slot.converter = new module.EveSpanConverter(slot.options);
    g[ACTIVE] = slot;
    return 1;
  },
  unpatch(slot: unknown): void {
    const g = globalThis as GlobalWithSlot;
    if (!isSlot(slot) || g[ACTIVE] !== slot) return;
    slot.converter = undefined;
    delete g[ACTIVE];
  },
};

/** The processor Eve holds: forwards to the slot's converter, a no-op while the slot is empty. */
export function slotProcessor(slot: EveSlot): SpanProcessor {
  return {
    onStart: (span: Span, context: Context) => slot.converter?.onStart(span, context),
    onEnd: (span: ReadableSpan) => slot.converter?.onEnd(span),
    forceFlush: () => slot.converter?.forceFlush() ?? Promise.resolve(),
    shutdown: () => slot.converter?.shutdown() ?? Promise.resolve(),
  };
}
