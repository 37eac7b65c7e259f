/**
 * The message of a google.rpc.Status (code = 1, message = 2, details = 3), the
 * body OTLP/HTTP gives a failed protobuf request. OTel's transformer reads only
 * ExportTraceServiceResponse, so this small reader takes the one field we show.
 * Throws on a body that is not a protobuf message.
 */
export function readStatusMessage(body: Uint8Array): string | undefined {
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= body.length) throw new Error('truncated varint');
      const b = body[pos++]!;
      value += (b & 0x7f) * mul;
      if (b < 0x80) return value;
      mul *= 128;
    }
    throw new Error('varint too long');
  };
  const skip = (n: number): void => {
    if (pos + n > body.length) throw new Error('truncated field');
    pos += n;
  };
  while (pos < body.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) skip(8);
    else if (wire === 5) skip(4);
    else if (wire === 2) {
      const n = varint();
      if (field === 2) {
        if (pos + n > body.length) throw new Error('truncated field');
        return Buffer.from(body.buffer, body.byteOffset + pos, n).toString('utf8');
      }
      skip(n);
    } else throw new Error(`wire type ${wire}`);
  }
  return undefined;
}
