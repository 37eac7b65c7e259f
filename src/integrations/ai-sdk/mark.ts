/** Marks our integration objects, so any copy of the package recognises one already registered. */
export const INTEGRATION_MARK: unique symbol = Symbol.for('@catalyst/tracing.ai-sdk.integration') as never;
