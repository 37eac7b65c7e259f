/**
 * @catalyst/tracing: the public API. The preload needs none of this; it is for
 * apps that set up in code, group spans under agents, or add their own spans.
 */
export { setup, handle, type SetupOptions, type CatalystHandle } from './setup';
export type { CatalystOptions, PrivacyConfig } from './config/types';
export type { InstallResult, InstallStatus } from './integrations/types';
export { CatalystError, CatalystConfigError, CatalystInstrumentationError } from './errors';
export { Attr, SpanKindValues, MimeTypes, type SpanKindValue } from './semconv/attr';
export { normalizeUsage, type TokenUsage } from './semconv/usage';
export { agentSpan, type AgentSpanOptions } from './api/agent-span';
export { manualSpan, type ManualSpanOptions } from './api/manual-span';
export { SpanHandle, type ToolInfo } from './api/span-handle';
export { withSession, withUser, withMetadata } from './api/context-helpers';
export { wrapClaudeAgentSdkQuery } from './integrations/claude-agent-sdk/wrap';
