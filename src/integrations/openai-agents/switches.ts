import type { ContentSwitches } from './attributes';

/**
 * The SDK's content switches, read the way the SDK reads them ('true' / '1'),
 * on every span so a change at run time is honoured as the SDK honours it.
 *
 * Only an explicit setting hides content from our spans. Unset, the SDK keeps
 * model and tool data out of its debug *logs* by default, yet its own traces
 * carry that data (RunConfig.traceIncludeSensitiveData defaults to true); we
 * follow its traces.
 */
export function contentSwitches(env: NodeJS.ProcessEnv = process.env): ContentSwitches {
  return { hideModelData: isOn(env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA), hideToolData: isOn(env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA) };
}

function isOn(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}
