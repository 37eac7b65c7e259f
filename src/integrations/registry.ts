import type { KnownIntegrations } from '../config/config';
import type { IntegrationSpec } from './types';

/**
 * The one registry of integrations. The loader's include list, setup()'s
 * `modules`, auto-detection, installResults and the names accepted by
 * CATALYST_INSTRUMENTATIONS all read this array; adding a surface means adding
 * an entry here and a folder beside this file with the same inner shape
 * (index, patch, calls, attributes...: docs/architecture.md, "Adding an integration").
 */
export const INTEGRATIONS: readonly IntegrationSpec[] = [
  {
    name: 'openai',
    packageName: 'openai',
    supportedMajors: [5, 6, 7],
    // `openai/client` defines the client class (the main entry re-exports it); an app may import it directly.
    files: ['', 'client'],
    load: () => require('./openai/patch').openaiPatcher,
  },
  {
    name: 'anthropic',
    packageName: '@anthropic-ai/sdk',
    // 0.x (>= 0.40) has the same Messages resource and APIPromise; 1.x adds the SDK's own telemetry.
    supportedMajors: [0, 1],
    files: [''],
    load: () => require('./anthropic/patch').anthropicPatcher,
  },
  {
    name: 'langchain',
    packageName: '@langchain/core',
    supportedMajors: [1],
    // CallbackManager lives in dist/callbacks/manager (.cjs and .js). Both hooks know a file by its path in the
    // package, so it is patched however the app reaches it (by name, or through any @langchain/* import).
    files: ['dist/callbacks/manager'],
    load: () => require('./langchain/patch').langchainPatcher,
  },
  {
    name: 'langgraph',
    packageName: '@langchain/langgraph',
    supportedMajors: [1],
    // dist/pregel/index defines Pregel, which every graph (the prebuilt agents' too) runs on; the main entry
    // re-exports its subclass, for setup({ modules }) and instrumentLangGraph.
    files: ['', 'dist/pregel/index'],
    load: () => require('./langgraph/patch').langgraphPatcher,
  },
  {
    name: 'ai-sdk',
    aliases: ['ai', 'aiSdk'],
    packageName: 'ai',
    // 7 is tested (ESM only, Node >= 22); 6.x has the same global integration list, untested.
    supportedMajors: [6, 7],
    // The main entry: the patch registers a telemetry integration, it wraps no SDK call path.
    files: [''],
    load: () => require('./ai-sdk/patch').aiSdkPatcher,
  },
  {
    name: 'openai-agents',
    aliases: ['openaiAgents'],
    // agents-core holds the tracing-processor API; `@openai/agents` re-exports it (setup({ modules }) accepts either).
    packageName: '@openai/agents-core',
    supportedMajors: [0],
    files: [''],
    load: () => require('./openai-agents/patch').openaiAgentsPatcher,
  },
  {
    name: 'pi-ai',
    aliases: ['piAi'],
    packageName: '@mariozechner/pi-ai',
    supportedMajors: [0],
    // ESM only. dist/api-registry holds the provider registry, a module-private Map: the tap hands it over
    // (`locals`) so each provider is wrapped as it is registered. The main entry lists the providers
    // (getApiProviders), for setup({ modules }) and instrumentPiAi.
    files: ['', 'dist/api-registry'],
    locals: { 'dist/api-registry': ['apiProviderRegistry'] },
    load: () => require('./pi-ai/patch').piAiPatcher,
  },
  {
    name: 'pi-agent-core',
    aliases: ['piAgentCore'],
    packageName: '@mariozechner/pi-agent-core',
    supportedMajors: [0],
    // ESM only; the main entry exports the Agent class whose prototype is wrapped. Its turns are pi-ai's (above).
    files: [''],
    load: () => require('./pi-agent-core/patch').piAgentCorePatcher,
  },
  {
    name: 'claude-agent-sdk',
    aliases: ['claudeAgentSdk'],
    packageName: '@anthropic-ai/claude-agent-sdk',
    supportedMajors: [0],
    // ESM only, and `query` is an exported function: the source tap hands the patch its binding to replace.
    files: [''],
    rebind: ['query'],
    load: () => require('./claude-agent-sdk/patch').claudeAgentSdkPatcher,
  },
  {
    name: 'claude-code',
    aliases: ['claudeCode'],
    packageName: '@anthropic-ai/claude-code',
    supportedMajors: [2],
    // The CLI runs as a child process: the patch wraps node:child_process's spawn / execFile / exec, and
    // follows only invocations of `claude`.
    files: [],
    builtin: 'child_process',
    load: () => require('./claude-code/patch').claudeCodePatcher,
  },
  {
    name: 'langsmith',
    packageName: 'langsmith',
    supportedMajors: [0],
    // Every entry (langsmith, /traceable, /wrappers...) loads this file, which has no circular `export *`; the
    // patch wraps nothing, it only needs the moment LangSmith loads.
    files: ['lib/singletons/otel'],
    load: () => require('./langsmith/patch').langsmithPatcher,
  },
  {
    name: 'elevenlabs',
    aliases: ['elevenLabs'],
    // ESM only, needs a global WebSocket (Node >= 22). The main entry exports the session classes the patch wraps.
    packageName: '@elevenlabs/client',
    supportedMajors: [1],
    files: [''],
    load: () => require('./elevenlabs/patch').elevenlabsPatcher,
  },
  {
    name: 'elevenlabs-js',
    aliases: ['elevenLabsJs'],
    // The CommonJS server SDK. Its conversation classes are reached by a deep require of their folder (not from
    // the main entry); both defining files are patched however the app reaches them.
    packageName: '@elevenlabs/elevenlabs-js',
    supportedMajors: [2],
    files: ['api/resources/conversationalAi/conversation/Conversation', 'api/resources/conversationalAi/conversation/ClientTools'],
    load: () => require('./elevenlabs-js/patch').elevenlabsJsPatcher,
  },
  {
    name: 'eve',
    packageName: 'eve',
    supportedMajors: [0],
    // Eve bundles itself and `ai` into its build output, so no hook sees them load: `files` is empty and the
    // hooks never look for it. The app's instrumentation file (@catalyst/tracing/eve) hands the patch a slot
    // in Eve's own span pipeline instead; the entry makes the name known to configuration and installResults.
    files: [],
    load: () => require('./eve/patch').evePatcher,
  },
  {
    name: 'livekit-agents',
    aliases: ['livekit', 'liveKitAgents'],
    // No wrapping: LiveKit traces itself through one tracer whose provider its telemetry module takes
    // (setTracerProvider); the patch hands it ours when that module loads (.js and .cjs builds). The main entry
    // is not hooked: it is a long list of `export *`.
    packageName: '@livekit/agents',
    supportedMajors: [1],
    files: ['dist/telemetry/traces'],
    load: () => require('./livekit-agents/patch').livekitAgentsPatcher,
  },
  {
    name: 'cursor-sdk',
    aliases: ['cursorSdk'],
    packageName: '@cursor/sdk',
    supportedMajors: [1],
    // Node >= 22.13. The main entry (CommonJS and ESM builds, each its own bundle) exports the Agent class whose
    // statics create/resume are wrapped; the agent and run classes are reached from what they return.
    files: [''],
    load: () => require('./cursor-sdk/patch').cursorSdkPatcher,
  },
];

export function integrationNames(): string[] {
  return INTEGRATIONS.map((i) => i.name);
}

/** The integration a name or one of its aliases stands for. */
export function findIntegration(name: string): IntegrationSpec | undefined {
  return INTEGRATIONS.find((i) => i.name === name || i.aliases?.includes(name));
}

/** The names configuration accepts (CATALYST_INSTRUMENTATIONS, setup({ instrumentations })), handed to resolveConfig. */
export const KNOWN_INTEGRATIONS: KnownIntegrations = {
  names: integrationNames(),
  canonical: (name) => findIntegration(name)?.name,
};
