/**
 * OTel's OTLP serializers (protobuf and JSON), built into a file of their own
 * (dist/vendor/otlp-http.js) and required only on the first export, so start-up
 * never parses them. The transport is ours (http-send.ts): bounded, unref'd,
 * and fault-aware. The protobuf writer's long strings take the native path of
 * protobuf-strings.ts; `fastProtobufStrings` says whether it is in place.
 */
import { installFastProtobufStrings } from './protobuf-strings';

export { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
export const fastProtobufStrings: boolean = installFastProtobufStrings();
