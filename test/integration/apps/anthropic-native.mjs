// The ESM face of anthropic-native.cjs: the SDK's ESM build, imported after the app's OTel setup.
import native from './anthropic-native.cjs';
const { default: Anthropic } = await import('@anthropic-ai/sdk');
await native.main(Anthropic);
