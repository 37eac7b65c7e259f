/**
 * `@catalyst/tracing/langsmith`: LangSmith runs (`traceable()`, `wrapOpenAI`,
 * `RunTree`) as OpenInference spans, for apps that run LangSmith in its
 * OpenTelemetry mode. The preload does this when `langsmith` loads; call
 * `installLangSmith()` where the loader hooks cannot see it (bundled apps).
 */
import { patchClass } from '../../api/explicit';
import { findIntegration } from '../registry';

/**
 * Hand LangSmith's OTel mode our tracer, so its runs reach our pipeline.
 * Returns true when the bridge is in place (false when tracing is off, or the
 * app already gave LangSmith OTel objects of its own, which it keeps).
 * One call per process is enough; more are harmless.
 */
export function installLangSmith(): boolean {
  return patchClass(findIntegration('langsmith')!, {});
}

export { langsmithPatcher } from './patch';
