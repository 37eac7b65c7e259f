/** What a user may pass to setup(); every field also has an environment variable. */
export interface CatalystOptions {
  /** Base OTLP/HTTP URL; `/v1/traces` is appended unless present. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <token>`, only to the endpoint. */
  token?: string;
  /** How spans are encoded on the wire: `http/protobuf` (the default) or `http/json`. */
  protocol?: OtlpProtocol;
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

/** The OTLP/HTTP encodings the exporter speaks (OTEL_EXPORTER_OTLP_PROTOCOL); gRPC is not one of them. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TlsFiles {
  /** Trusted CA certificates (replaces Node's default list, as in the OTel SDKs; NODE_EXTRA_CA_CERTS adds to it instead). */
  ca?: string;
  /** Client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
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
  /** Upper bound on the exit-time flush (the whole of it: async flush and the exit-path send). */
  flushTimeoutMs: number;
  /** Upper bound on one export request, retries included (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT). */
  exportTimeoutMs: number;
  /** Request body compression (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION / OTEL_EXPORTER_OTLP_COMPRESSION). */
  compression: 'gzip' | 'none';
  /** Request body encoding: setup({ protocol }), else OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
  protocol: OtlpProtocol;
  /** PEM text for TLS to the endpoint, read from the OTEL_EXPORTER_OTLP_*CERTIFICATE / *CLIENT_KEY files. */
  tls: TlsFiles;
  maxQueueSize: number;
  /** The queue's cap in bytes, estimated from the spans' text (CATALYST_MAX_QUEUE_MB). */
  maxQueueBytes: number;
  /** How long a partial batch waits before it is exported (OTEL_BSP_SCHEDULE_DELAY). */
  scheduledDelayMs: number;
  /** Local store cap in bytes (oldest files removed first). */
  storeMaxBytes: number;
  autoInstrument: boolean;
  privacy: PrivacyConfig;
}
