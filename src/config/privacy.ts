import type { PrivacyConfig } from './types';
import { parseBoolean, parsePositiveInt } from './parse';

export const DEFAULT_PRIVACY: PrivacyConfig = {
  hideInputs: false,
  hideOutputs: false,
  hideInputMessages: false,
  hideOutputMessages: false,
  hideInputImages: false,
  hideInputText: false,
  hideOutputText: false,
  base64ImageMaxLength: 32_000,
  redactContent: false,
  maxAttributeLength: 64 * 1024,
};

/** The variable behind each privacy setting (resolveConfig reads the same ones; test/unit/config.test.ts holds the two together). */
const PRIVACY_VARIABLES: { readonly [K in keyof PrivacyConfig]: string } = {
  hideInputs: 'OPENINFERENCE_HIDE_INPUTS',
  hideOutputs: 'OPENINFERENCE_HIDE_OUTPUTS',
  hideInputMessages: 'OPENINFERENCE_HIDE_INPUT_MESSAGES',
  hideOutputMessages: 'OPENINFERENCE_HIDE_OUTPUT_MESSAGES',
  hideInputImages: 'OPENINFERENCE_HIDE_INPUT_IMAGES',
  hideInputText: 'OPENINFERENCE_HIDE_INPUT_TEXT',
  hideOutputText: 'OPENINFERENCE_HIDE_OUTPUT_TEXT',
  base64ImageMaxLength: 'OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH',
  redactContent: 'CATALYST_REDACT_CONTENT',
  maxAttributeLength: 'CATALYST_MAX_ATTRIBUTE_LENGTH',
};

/**
 * The privacy settings from the environment alone, for spans written with no
 * running agent (on a user's own tracer): only these variables are read, so it
 * costs nothing else (no endpoint, no TLS files, no integration names). A bad
 * or blank value means the default, as in resolveConfig; reporting it is the
 * agent's job when it runs.
 */
export function envPrivacy(env: Record<string, string | undefined> = process.env): PrivacyConfig {
  const privacy: PrivacyConfig = { ...DEFAULT_PRIVACY };
  for (const key of Object.keys(PRIVACY_VARIABLES) as (keyof PrivacyConfig)[]) {
    const raw = env[PRIVACY_VARIABLES[key]];
    if (raw === undefined || raw.trim() === '') continue;
    const parsed = typeof DEFAULT_PRIVACY[key] === 'number' ? parsePositiveInt(raw) : parseBoolean(raw);
    if ('value' in parsed) (privacy as unknown as Record<string, unknown>)[key] = parsed.value;
  }
  return privacy;
}
