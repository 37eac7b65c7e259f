// OTLP protobuf through protobufjs, an implementation independent of the code under
// test: decodes an ExportTraceServiceRequest into the same object shape OTLP/HTTP
// JSON has (so the collector normalises both with one code path), and encodes
// requests and answers (ExportTraceServiceResponse, google.rpc.Status) for tests.
// Messages and field numbers as published in opentelemetry-proto (trace/v1,
// common/v1, resource/v1, collector/trace/v1) and googleapis (rpc/status.proto).
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message RpcStatus { int32 code = 1; string message = 2; repeated RpcAny details = 3; }
message RpcAny { string type_url = 1; bytes value = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

/** @type {import('protobufjs').Root | undefined} */
let root;
/** @param {string} name */
const type = (name) => (root ??= protobuf.parse(SCHEMA).root).lookupType(`otlp.${name}`);

/**
 * @param {Uint8Array} bytes
 * @returns {any} JSON-shaped request: camelCase keys, int64 as strings, bytes as base64.
 */
export function decodeTraceRequestProto(bytes) {
  const t = type('ExportTraceServiceRequest');
  return t.toObject(t.decode(bytes), { longs: String, bytes: String, enums: Number });
}

/**
 * @param {object} request protobufjs-shaped: camelCase keys, Uint8Array ids, Long-able int64s.
 * @returns {Uint8Array}
 */
export function encodeTraceRequestProto(request) {
  const t = type('ExportTraceServiceRequest');
  const message = t.fromObject(request);
  const problem = t.verify(message);
  if (problem) throw new Error(`not an ExportTraceServiceRequest: ${problem}`);
  return t.encode(message).finish();
}

/** An ExportTraceServiceResponse, with partial_success when given. @param {{ rejectedSpans?: number, errorMessage?: string }} [partial] */
export function encodeTraceResponseProto(partial) {
  const t = type('ExportTraceServiceResponse');
  return t.encode(t.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

/** A google.rpc.Status, the body of a failed OTLP/HTTP protobuf request. @param {number} code @param {string} message */
export function encodeStatusProto(code, message) {
  const t = type('RpcStatus');
  return t.encode(t.fromObject({ code, message })).finish();
}
