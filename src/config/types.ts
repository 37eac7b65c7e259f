/** What a user may pass to setup(); every field also has an environment variable. */
export interface CatalystOptions {
  /** Base OTLP/HTTP URL; `/v1/traces` is appended unless present. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <token>`, only to the endpoint. */
  token?: string;
  serviceName?: string;
  serviceVersion?: string;
  /** Give SDK modules or classes to patch directly, e.g. `{ openai: OpenAI }` (bundled apps). */
  modules?: Record<string, unknown>;
  /** Also patch every supported SDK found installed (default true). */
  autoInstrument?: boolean;
  debug?: boolean;
  /** Integration names to enable (default: all). */
  instrumentations?: string[];
  /** Integration names to leave alone. */
  disabledInstrumentations?: string[];
  /** Folder of the local store used when no endpoint is set. */
  tracesDir?: string;
  privacy?: Partial<PrivacyConfig>;
}

export interface PrivacyConfig {
  hideInputs: boolean;
  hideOutputs: boolean;
  hideInputMessages: boolean;
  hideOutputMessages: boolean;
  hideInputImages: boolean;
  hideInputText: boolean;
  hideOutputText: boolean;
  /** Base64 image data URLs longer than this are replaced by the marker. */
  base64ImageMaxLength: number;
  /** Hide all content at once (CATALYST_REDACT_CONTENT). */
  redactContent: boolean;
  /** Longer string attribute values are cut and marked. */
  maxAttributeLength: number;
}

export interface ResolvedConfig {
  /** Nothing is traced or patched. */
  disabled: boolean;
  /** Full traces URL, or undefined for the local store. */
  endpoint?: string;
  /** Headers for the endpoint only (Authorization included when a token is set). */
  headers: Record<string, string>;
  serviceName: string;
  serviceVersion?: string;
  resourceAttributes: Record<string, string>;
  debug: boolean;
  enabledIntegrations: ReadonlySet<string>;
  tracesDir: string;
  traceWorkers: boolean;
  /** Upper bound on the exit-time flush. */
  flushTimeoutMs: number;
  maxQueueSize: number;
  /** Local store cap in bytes (oldest files removed first). */
  storeMaxBytes: number;
  autoInstrument: boolean;
  privacy: PrivacyConfig;
}
