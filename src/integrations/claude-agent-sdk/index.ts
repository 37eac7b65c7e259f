/**
 * `@catalyst/tracing/claude-agent-sdk`: the explicit way to trace the Claude
 * Agent SDK (`@anthropic-ai/claude-agent-sdk`) where the preload cannot
 * replace its `query` (a bundled app, an app that runs its own tracer setup).
 */
export { wrapClaudeAgentSdkQuery } from './wrap';
export { claudeAgentSdkPatcher } from './patch';
