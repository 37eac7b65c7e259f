// ESM app: the SDK imported in the form IMPORT_FORM names (default, named, namespace).
import AnthropicDefault, { Anthropic as AnthropicNamed } from '@anthropic-ai/sdk';
import * as sdk from '@anthropic-ai/sdk';
import { betaTool } from '@anthropic-ai/sdk/helpers/beta/json-schema';
import scenario from './anthropic-scenario.cjs';

const form = process.env.IMPORT_FORM ?? 'default';
const Anthropic = form === 'named' ? AnthropicNamed : form === 'namespace' ? sdk.default : AnthropicDefault;
const { agentSpan } = process.env.CATALYST_DIST ? await import(scenario.dist('esm/index.mjs')) : {};
await scenario.run(Anthropic, { agentSpan, betaTool });
