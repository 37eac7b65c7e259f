import type { Context } from '@opentelemetry/api';
import type { PatchContext } from '../types';

/**
 * What patch.ts hands calls.ts with each span: the provider LiveKit holds.
 * Types only, so neither file reaches the other through it.
 */

/** One of LiveKit's own span processors (its PII redaction, LiveKit Cloud's upload), from LiveKit's copy of the OTel SDK. */
export interface LiveKitProcessor {
  onStart?(span: object, parentContext: Context): void;
  onEnding?(span: object): void;
  onEnd?(span: object): void;
  forceFlush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

export interface TracerOwner {
  /** Where our tracer comes from: the running agent's pipeline, or the provider of installLiveKitAgentsInstrumentation. */
  readonly ctx: PatchContext;
  /** LiveKit's processors, handed over through setTracerProvider's `registerSpanProcessor`. */
  readonly processors: LiveKitProcessor[];
  /** False once unpatched: spans go through the global API then, as LiveKit's default does. */
  active: boolean;
}
