// AWS event-stream framing (application/vnd.amazon.eventstream), as Amazon
// Bedrock sends InvokeModelWithResponseStream answers. One message is:
//   prelude:  total length (uint32 BE) | headers length (uint32 BE) | CRC32 of those 8 bytes
//   headers:  name length (uint8) | name | value type (uint8, 7 = string) | value length (uint16 BE) | value
//   payload:  bytes
//   trailer:  CRC32 of everything before it
import { crc32 } from 'node:zlib';

const STRING_HEADER = 7;
const PRELUDE_BYTES = 12;
const TRAILER_BYTES = 4;

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    if (nameBytes.length > 255) throw new Error(`event-stream header name too long: ${name}`);
    if (valueBytes.length > 0xffff) throw new Error(`event-stream header value too long: ${name}`);
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

/** One binary event-stream message with string headers and a payload. */
export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = PRELUDE_BYTES + headerBytes.length + payload.length + TRAILER_BYTES;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, PRELUDE_BYTES);
  Buffer.from(payload).copy(message, PRELUDE_BYTES + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - TRAILER_BYTES)), total - TRAILER_BYTES);
  return message;
}

/**
 * A Bedrock `chunk` event: the JSON payload `{"bytes": base64(event JSON), "p": padding}`.
 * Bedrock pads chunks with a `p` field so their sizes do not reveal the text; clients ignore it.
 */
export function chunkMessage(event: unknown): Buffer {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
  const padding = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, 1 + (bytes.length % 40));
  const payload = Buffer.from(JSON.stringify({ bytes, p: padding }), 'utf8');
  return encodeEventStreamMessage({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' }, payload);
}

/** A modelled Bedrock exception ending a stream, e.g. `throttlingException` with `{"message": …}`. */
export function exceptionMessage(exceptionType: string, body: Readonly<Record<string, unknown>>): Buffer {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  return encodeEventStreamMessage(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    payload,
  );
}

export interface DecodedEventStreamMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

/**
 * Splits a buffer of whole event-stream messages, checking both checksums.
 * Only string headers are supported (all the simulator writes). For tests and tools.
 */
export function decodeEventStream(buffer: Uint8Array): DecodedEventStreamMessage[] {
  const data = Buffer.from(buffer);
  const messages: DecodedEventStreamMessage[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < PRELUDE_BYTES + TRAILER_BYTES) throw new Error('event-stream: truncated prelude');
    const total = data.readUInt32BE(offset);
    const headersLength = data.readUInt32BE(offset + 4);
    if (data.readUInt32BE(offset + 8) !== crc32(data.subarray(offset, offset + 8))) throw new Error('event-stream: prelude checksum mismatch');
    if (offset + total > data.length) throw new Error('event-stream: truncated message');
    const end = offset + total;
    if (data.readUInt32BE(end - TRAILER_BYTES) !== crc32(data.subarray(offset, end - TRAILER_BYTES))) {
      throw new Error('event-stream: message checksum mismatch');
    }
    const headers: Record<string, string> = {};
    let cursor = offset + PRELUDE_BYTES;
    const headersEnd = cursor + headersLength;
    while (cursor < headersEnd) {
      const nameLength = data.readUInt8(cursor);
      const name = data.subarray(cursor + 1, cursor + 1 + nameLength).toString('utf8');
      const type = data.readUInt8(cursor + 1 + nameLength);
      if (type !== STRING_HEADER) throw new Error(`event-stream: unsupported header type ${type} for ${name}`);
      const valueLength = data.readUInt16BE(cursor + 2 + nameLength);
      const valueStart = cursor + 4 + nameLength;
      headers[name] = data.subarray(valueStart, valueStart + valueLength).toString('utf8');
      cursor = valueStart + valueLength;
    }
    messages.push({ headers, payload: data.subarray(headersEnd, end - TRAILER_BYTES) });
    offset = end;
  }
  return messages;
}
