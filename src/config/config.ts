import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DEFAULT_STORE_MAX_MB, DEFAULT_STORE_SUBDIR, MAX_STORE_MB } from '../store/format';
import type { CatalystOptions, OtlpProtocol, PrivacyConfig, ResolvedConfig, TlsFiles } from './types';
import { DEFAULT_PRIVACY } from './privacy';
import { isSendableHeaderValue, parseBoolean, parseHeaderList, parseHttpUrl, parseKeyValueList, parseList, parsePositiveInt, type Parsed } from './parse';
import { maskConfigValue, rememberSecret } from '../diagnostics/secrets';
import { isCredentialHeader, plainTextCredentialWarning } from './transport-warning';

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
  /**
   * Settings that work but put something at risk (a token sent in clear text):
   * reported once like problems, but not errors, so setup({ strict: true }) does not throw for them.
   */
  warnings: string[];
}

const TRACES_PATH = '/v1/traces';


/**
 * The integration names configuration accepts, handed in by the caller (the
 * agent passes the registry's): configuration sits below the integrations and
 * imports none of them.
 */
export interface KnownIntegrations {
  /** Every integration's name in registry order: the selection when none is configured. */
  readonly names: readonly string[];
  /** The name a name or one of its aliases stands for; undefined when unknown. */
  canonical(name: string): string | undefined;
}

/** Upper bounds: a typo of a few zeros must not hold an exit for an hour or fill the heap. */
const MAX_FLUSH_TIMEOUT_MS = 120_000;
const MAX_EXPORT_TIMEOUT_MS = 120_000;
const MAX_QUEUE_SIZE = 1_000_000;
const MAX_QUEUE_MB = 4096;

export function resolveConfig(rawOptions: CatalystOptions, env: Env, integrations: KnownIntegrations): ConfigResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const options = checkOptions(rawOptions, problems);

  /**
   * A non-blank env value. A blank value of ours (CATALYST_*, the legacy names,
   * OPENINFERENCE_*) is itself a problem: someone meant to set it. A blank
   * OTEL_* value is "unset", as the OTel spec says.
   */
  const read = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    if (raw.trim() === '') {
      if (!name.startsWith('OTEL_')) problems.push(`${name} is set but empty; it is ignored`);
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
  const int = (name: string, fallback: number, max?: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    return take(parsePositiveInt(raw, max), name, raw, fallback, `using ${fallback}`);
  };
  const firstInt = (names: string[], fallback: number, max?: number): number => {
    const found = first(...names);
    if (!found) return fallback;
    return take(parsePositiveInt(found.raw, max), found.name, found.raw, fallback, `using ${fallback}`);
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
    const parsed = parseHeaderList(otelHeaders.raw);
    if ('value' in parsed) {
      Object.assign(headers, parsed.value);
      // Header values usually are credentials: never shown in an error message or a span, wherever they turn up.
      for (const v of Object.values(parsed.value)) rememberSecret(v);
    }
    // Never echo header values: they usually hold credentials.
    else problems.push(`${otelHeaders.name} is invalid: ${parsed.problem}; no extra headers are sent`);
  }
  /** Where the credentials sent to the endpoint come from, for the clear-text warning. */
  const credentialSources: string[] = [];
  const tokenSource = options.token !== undefined ? { name: 'setup({ token })', raw: options.token } : first('CATALYST_OTLP_TOKEN', 'OTLP_INGEST_TOKEN');
  if (tokenSource !== undefined && tokenSource.raw.trim() !== '') {
    const token = tokenSource.raw.trim();
    if (!isSendableHeaderValue(token)) {
      // Never echo the token, even a broken one.
      problems.push(`${tokenSource.name} contains characters that cannot be sent in an HTTP header (a line break?); no token is sent`);
    } else {
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
      headers.Authorization = `Bearer ${token}`;
      rememberSecret(token);
      credentialSources.push(tokenSource.name);
    }
  }
  const tokenSent = credentialSources.length > 0;
  if (otelHeaders && Object.keys(headers).some((k) => isCredentialHeader(k) && !(tokenSent && k === 'Authorization'))) credentialSources.push(otelHeaders.name);
  // Nothing is sent when tracing is off: nothing to warn about.
  const plainText = disabled ? undefined : plainTextCredentialWarning(endpoint, endpointSource?.name, credentialSources);
  if (plainText) warnings.push(plainText);

  // Transport settings of the OTel exporters, honoured the same way (the per-signal TRACES_ name first).
  const exportTimeoutMs = firstInt(['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'], 10_000, MAX_EXPORT_TIMEOUT_MS);
  let compression: 'gzip' | 'none' = 'none';
  const compressionSource = first('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION');
  if (compressionSource) {
    const v = compressionSource.raw.trim().toLowerCase();
    if (v === 'gzip' || v === 'none') compression = v;
    else problems.push(`${compressionSource.name}=${quote(compressionSource.raw)} is invalid: expected gzip or none; sending uncompressed`);
  }
  // http/protobuf is the OTel exporter default, and some receivers (Arize Phoenix among them) take nothing else.
  let protocol: OtlpProtocol = 'http/protobuf';
  const protocolSource = options.protocol !== undefined ? { name: 'setup({ protocol })', raw: options.protocol } : first('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocolSource) {
    const v = protocolSource.raw.trim().toLowerCase();
    if (v === 'http/protobuf' || v === 'http/json') protocol = v;
    else if (v === 'grpc') {
      problems.push(`${protocolSource.name}=grpc is not supported: spans are sent as OTLP/HTTP (protobuf), which a gRPC-only port (4317) does not accept; point the endpoint at the collector's HTTP port (4318)`);
    } else {
      problems.push(`${protocolSource.name}=${quote(protocolSource.raw)} is invalid: expected http/protobuf, http/json or grpc; sending OTLP/HTTP protobuf`);
    }
  }
  const tls: TlsFiles = {};
  const pem = (names: string[], field: keyof TlsFiles, otherwise: string): void => {
    const found = first(...names);
    if (!found) return;
    try {
      const text = readFileSync(found.raw.trim(), 'utf8');
      if (!text.includes('-----BEGIN')) throw new Error('not a PEM file');
      tls[field] = text;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      problems.push(`${found.name}=${quote(found.raw)} cannot be used (${e.code ?? maskConfigValue(e.message)}); ${otherwise}`);
    }
  };
  pem(['OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'], 'ca', "Node's default CA list is used");
  pem(['OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'], 'cert', 'no client certificate is sent');
  pem(['OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'], 'key', 'no client certificate is sent');
  if (!tls.cert !== !tls.key) {
    if (tls.cert || tls.key) problems.push('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY must be given together; no client certificate is sent');
    delete tls.cert;
    delete tls.key;
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

  const known = integrations.names;
  /** One line per variable, however many names in it are wrong. */
  const checkNames = (names: string[], source: string): string[] | undefined => {
    const good = [...new Set(names.map((n) => integrations.canonical(n)).filter((n): n is string => !!n))];
    const bad = names.filter((n) => !integrations.canonical(n));
    if (good.length === 0) {
      problems.push(`${source} names no known integration${bad.length ? ` (${bad.map(quote).join(', ')})` : ''} (known: ${known.join(', ')}); it is ignored`);
      return undefined;
    }
    if (bad.length === 1) problems.push(`${source} names unknown integration ${quote(bad[0]!)} (known: ${known.join(', ')}); it is ignored`);
    else if (bad.length > 1) problems.push(`${source} names unknown integrations ${bad.map(quote).join(', ')} (known: ${known.join(', ')}); they are ignored`);
    return good;
  };
  const includeRaw = options.instrumentations ?? splitEnv(read('CATALYST_INSTRUMENTATIONS'));
  const excludeRaw = options.disabledInstrumentations ?? splitEnv(read('CATALYST_DISABLED_INSTRUMENTATIONS'));
  const include = (includeRaw && checkNames(includeRaw, options.instrumentations ? 'setup({ instrumentations })' : 'CATALYST_INSTRUMENTATIONS')) || known;
  const exclude = new Set((excludeRaw && checkNames(excludeRaw, options.disabledInstrumentations ? 'setup({ disabledInstrumentations })' : 'CATALYST_DISABLED_INSTRUMENTATIONS')) || []);
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
    flushTimeoutMs: int('CATALYST_FLUSH_TIMEOUT_MS', 1500, MAX_FLUSH_TIMEOUT_MS),
    exportTimeoutMs,
    compression,
    protocol,
    tls,
    maxQueueSize: int('CATALYST_MAX_QUEUE_SIZE', 2048, MAX_QUEUE_SIZE),
    maxQueueBytes: int('CATALYST_MAX_QUEUE_MB', 64, MAX_QUEUE_MB) * 1024 * 1024,
    scheduledDelayMs: int('OTEL_BSP_SCHEDULE_DELAY', 1000, 60_000),
    storeMaxBytes: int('CATALYST_STORE_MAX_MB', DEFAULT_STORE_MAX_MB, MAX_STORE_MB) * 1024 * 1024,
    autoInstrument: options.autoInstrument ?? true,
    privacy,
  };
  return { config, problems, warnings };
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

/**
 * setup() options of the wrong type (plain JavaScript callers, config read from
 * JSON) are dropped with one line each, exactly like a bad variable: setup()
 * never throws for them unless asked to (strict).
 */
function checkOptions(raw: unknown, problems: string[]): CatalystOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`setup() options must be an object, not ${describeType(raw)}; they are ignored`);
    return {};
  }
  const options = { ...(raw as Record<string, unknown>) };
  const expect = (key: string, ok: (v: unknown) => boolean, what: string): void => {
    const v = options[key];
    if (v === undefined || ok(v)) return;
    problems.push(`setup({ ${key} }) must be ${what}, not ${describeType(v)}; it is ignored`);
    delete options[key];
  };
  const isString = (v: unknown): boolean => typeof v === 'string';
  const isBool = (v: unknown): boolean => typeof v === 'boolean';
  const isNames = (v: unknown): boolean => Array.isArray(v) && v.every((n) => typeof n === 'string');
  for (const key of ['endpoint', 'token', 'protocol', 'serviceName', 'serviceVersion', 'tracesDir']) expect(key, isString, 'a string');
  for (const key of ['debug', 'autoInstrument']) expect(key, isBool, 'true or false');
  for (const key of ['instrumentations', 'disabledInstrumentations']) expect(key, isNames, 'an array of integration names');
  if (Array.isArray(options.instrumentations)) options.instrumentations = (options.instrumentations as string[]).map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (Array.isArray(options.disabledInstrumentations)) options.disabledInstrumentations = (options.disabledInstrumentations as string[]).map((n) => n.trim().toLowerCase()).filter(Boolean);
  expect('modules', (v) => typeof v === 'object' && v !== null, 'an object');
  expect('privacy', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object');
  if (options.privacy) {
    const privacy = { ...(options.privacy as Record<string, unknown>) };
    for (const [key, v] of Object.entries(privacy)) {
      const numeric = key === 'base64ImageMaxLength' || key === 'maxAttributeLength';
      const ok = numeric ? typeof v === 'number' && Number.isSafeInteger(v) && v > 0 : typeof v === 'boolean';
      if (v !== undefined && !ok) {
        problems.push(`setup({ privacy: { ${key} } }) must be ${numeric ? 'a whole number greater than 0' : 'true or false'}, not ${describeType(v)}; it is ignored`);
        delete privacy[key];
      }
    }
    options.privacy = privacy;
  }
  return options as CatalystOptions;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.trim() === '' ? 'an empty string' : 'a string';
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : String(v);
  return `a ${typeof v}`;
}

/** Every value a problem line shows goes through here: credentials masked first, then cut to a readable length. */
function quote(raw: string): string {
  const masked = maskConfigValue(raw);
  const shown = masked.length > 60 ? `${masked.slice(0, 57)}...` : masked;
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
