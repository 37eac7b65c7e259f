import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { integrationNames } from '../integrations/registry';
import { DEFAULT_STORE_SUBDIR } from '../store/format';
import type { CatalystOptions, PrivacyConfig, ResolvedConfig } from './types';
import { parseBoolean, parseHttpUrl, parseKeyValueList, parseList, parsePositiveInt, type Parsed } from './parse';

/**
 * The one module that decides configuration. Precedence, highest first:
 * setup() options, CATALYST_*, legacy names (OTLP_ENDPOINT, OTLP_INGEST_TOKEN,
 * SERVICE_NAME), OTEL_*, defaults. Bad values never throw: each yields one
 * problem line naming the variable and what happens instead.
 */
export type Env = Record<string, string | undefined>;

export interface ConfigResult {
  config: ResolvedConfig;
  /** One sentence each, already naming the variable; reported once by the caller. */
  problems: string[];
}

const TRACES_PATH = '/v1/traces';

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

export function resolveConfig(options: CatalystOptions = {}, env: Env = process.env): ConfigResult {
  const problems: string[] = [];

  /** A non-blank env value; a blank CATALYST_* value is itself a problem, blank OTEL_* is "unset" as the OTel spec says. */
  const read = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    if (raw.trim() === '') {
      if (name.startsWith('CATALYST_')) problems.push(`${name} is set but empty; it is ignored`);
      return undefined;
    }
    return raw;
  };
  const first = (...names: string[]): { name: string; raw: string } | undefined => {
    for (const name of names) {
      const raw = read(name);
      if (raw !== undefined) return { name, raw };
    }
    return undefined;
  };
  const bool = (name: string, fallback: boolean, otherwise = `using ${fallback}`): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    return take(parseBoolean(raw), name, raw, fallback, otherwise);
  };
  const int = (name: string, fallback: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    return take(parsePositiveInt(raw), name, raw, fallback, `using ${fallback}`);
  };
  function take<T>(parsed: Parsed<T>, name: string, raw: string, fallback: T, otherwise: string): T {
    if ('value' in parsed) return parsed.value;
    problems.push(`${name}=${quote(raw)} is invalid: ${parsed.problem}; ${otherwise}`);
    return fallback;
  }

  const disabled = bool('CATALYST_DISABLED', false) || bool('OTEL_SDK_DISABLED', false);
  const debug = options.debug ?? bool('CATALYST_DEBUG', false);

  // Endpoint: a base URL gets /v1/traces; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is a full URL by the OTel spec.
  let endpoint: string | undefined;
  const endpointSource = options.endpoint !== undefined
    ? { name: 'setup({ endpoint })', raw: options.endpoint, full: false }
    : (() => {
        const base = first('CATALYST_OTLP_ENDPOINT', 'OTLP_ENDPOINT');
        if (base) return { ...base, full: false };
        const full = first('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
        if (full) return { ...full, full: true };
        const otelBase = first('OTEL_EXPORTER_OTLP_ENDPOINT');
        return otelBase ? { ...otelBase, full: false } : undefined;
      })();
  if (endpointSource) {
    const parsed = parseHttpUrl(endpointSource.raw);
    if ('value' in parsed) {
      endpoint = endpointSource.full ? parsed.value.href : withTracesPath(parsed.value);
    } else {
      problems.push(`${endpointSource.name}=${quote(endpointSource.raw)} is invalid: ${parsed.problem}; spans go to the local store instead`);
    }
  }

  const headers: Record<string, string> = {};
  const otelHeaders = first('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS');
  if (otelHeaders) {
    const parsed = parseKeyValueList(otelHeaders.raw);
    if ('value' in parsed) Object.assign(headers, parsed.value);
    // Never echo header values: they usually hold credentials.
    else problems.push(`${otelHeaders.name} is invalid: ${parsed.problem}; no extra headers are sent`);
  }
  const token = options.token ?? first('CATALYST_OTLP_TOKEN', 'OTLP_INGEST_TOKEN')?.raw;
  if (token !== undefined && token.trim() !== '') {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    headers.Authorization = `Bearer ${token.trim()}`;
  }

  const resourceAttributes: Record<string, string> = {};
  const otelResource = read('OTEL_RESOURCE_ATTRIBUTES');
  if (otelResource !== undefined) {
    const parsed = parseKeyValueList(otelResource);
    if ('value' in parsed) Object.assign(resourceAttributes, parsed.value);
    else problems.push(`OTEL_RESOURCE_ATTRIBUTES is invalid: ${parsed.problem}; it is ignored`);
  }
  const serviceName =
    options.serviceName ??
    first('CATALYST_SERVICE_NAME', 'SERVICE_NAME', 'OTEL_SERVICE_NAME')?.raw.trim() ??
    resourceAttributes['service.name'] ??
    defaultServiceName();
  const serviceVersion =
    options.serviceVersion ?? first('CATALYST_SERVICE_VERSION')?.raw.trim() ?? resourceAttributes['service.version'];

  const known = integrationNames();
  const checkNames = (names: string[], source: string): string[] =>
    names.filter((n) => {
      if (known.includes(n)) return true;
      problems.push(`${source} names unknown integration ${quote(n)} (known: ${known.join(', ')}); it is ignored`);
      return false;
    });
  const includeRaw = options.instrumentations ?? splitEnv(read('CATALYST_INSTRUMENTATIONS'));
  const excludeRaw = options.disabledInstrumentations ?? splitEnv(read('CATALYST_DISABLED_INSTRUMENTATIONS'));
  const include = includeRaw ? checkNames(includeRaw, 'CATALYST_INSTRUMENTATIONS') : known;
  const exclude = new Set(excludeRaw ? checkNames(excludeRaw, 'CATALYST_DISABLED_INSTRUMENTATIONS') : []);
  const enabledIntegrations = new Set(include.filter((n) => !exclude.has(n)));

  const redactContent = options.privacy?.redactContent ?? bool('CATALYST_REDACT_CONTENT', false);
  const privacy: PrivacyConfig = {
    hideInputs: options.privacy?.hideInputs ?? bool('OPENINFERENCE_HIDE_INPUTS', false),
    hideOutputs: options.privacy?.hideOutputs ?? bool('OPENINFERENCE_HIDE_OUTPUTS', false),
    hideInputMessages: options.privacy?.hideInputMessages ?? bool('OPENINFERENCE_HIDE_INPUT_MESSAGES', false),
    hideOutputMessages: options.privacy?.hideOutputMessages ?? bool('OPENINFERENCE_HIDE_OUTPUT_MESSAGES', false),
    hideInputImages: options.privacy?.hideInputImages ?? bool('OPENINFERENCE_HIDE_INPUT_IMAGES', false),
    hideInputText: options.privacy?.hideInputText ?? bool('OPENINFERENCE_HIDE_INPUT_TEXT', false),
    hideOutputText: options.privacy?.hideOutputText ?? bool('OPENINFERENCE_HIDE_OUTPUT_TEXT', false),
    base64ImageMaxLength:
      options.privacy?.base64ImageMaxLength ?? int('OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH', DEFAULT_PRIVACY.base64ImageMaxLength),
    redactContent,
    maxAttributeLength: options.privacy?.maxAttributeLength ?? int('CATALYST_MAX_ATTRIBUTE_LENGTH', DEFAULT_PRIVACY.maxAttributeLength),
  };

  const config: ResolvedConfig = {
    disabled,
    endpoint,
    headers,
    serviceName,
    serviceVersion,
    resourceAttributes,
    debug,
    enabledIntegrations,
    tracesDir: options.tracesDir ?? read('CATALYST_TRACES_DIR')?.trim() ?? join(homedir(), ...DEFAULT_STORE_SUBDIR),
    traceWorkers: bool('CATALYST_TRACE_WORKERS', false),
    flushTimeoutMs: int('CATALYST_FLUSH_TIMEOUT_MS', 1500),
    maxQueueSize: int('CATALYST_MAX_QUEUE_SIZE', 2048),
    storeMaxBytes: int('CATALYST_STORE_MAX_MB', 100) * 1024 * 1024,
    autoInstrument: options.autoInstrument ?? true,
    privacy,
  };
  return { config, problems };
}

function withTracesPath(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(TRACES_PATH)) return url.href;
  url.pathname = `${path}${TRACES_PATH}`;
  return url.href;
}

function splitEnv(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : parseList(raw);
}

function quote(raw: string): string {
  const shown = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
  return JSON.stringify(shown);
}

/** The app's package.json name, else its entry script's name: what a user would call the service. */
function defaultServiceName(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string' && pkg.name) return pkg.name;
  } catch {
    // no package.json: fall through
  }
  const script = process.argv[1];
  return script ? basename(script, extname(script)) : 'unknown_service:node';
}
