// The LSP base protocol's framing (`Content-Length: N\r\n…\r\n\r\n` then N bytes of JSON), read
// with limits: each byte is looked at once (the header's end is found by a small state machine
// carried across chunks, the body only counted), a header longer than `maxHeaderBytes` and a
// declared length over `maxMessageBytes` are refused as soon as they are seen, before any of the
// body is kept. vscode-jsonrpc's own buffer searches from its start again on every chunk and
// accepts any length, so one client could stall the broker or fill its memory.

export interface FramingLimits {
  readonly maxHeaderBytes: number;
  readonly maxMessageBytes: number;
}

export const FRAMING_LIMITS: FramingLimits = { maxHeaderBytes: 8 * 1024, maxMessageBytes: 64 * 1024 * 1024 };

/** The peer broke the framing or a limit; the connection is not worth keeping. */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

const CR = 0x0d;
const LF = 0x0a;

export class MessageFramer {
  private readonly header: Buffer[] = [];
  private headerBytes = 0;
  /** How much of CR LF CR LF has just been seen (0–4). */
  private matched = 0;
  private readonly body: Buffer[] = [];
  private bodyBytes = 0;
  /** The body length being read, or null while reading a header. */
  private expected: number | null = null;

  constructor(private readonly limits: FramingLimits = FRAMING_LIMITS) {}

  /** The bodies completed by `chunk`, in order; throws a FramingError on a broken frame or limit. */
  push(chunk: Buffer): Buffer[] {
    const bodies: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.expected === null) {
        at = this.readHeader(chunk, at);
      } else {
        const take = Math.min(this.expected - this.bodyBytes, chunk.length - at);
        this.body.push(chunk.subarray(at, at + take));
        this.bodyBytes += take;
        at += take;
      }
      if (this.expected !== null && this.bodyBytes === this.expected) {
        bodies.push(Buffer.concat(this.body, this.bodyBytes));
        this.body.length = 0;
        this.bodyBytes = 0;
        this.expected = null;
      }
    }
    return bodies;
  }

  /** Reads header bytes from `at`; returns where it stopped (the chunk's end, or the body's start). */
  private readHeader(chunk: Buffer, at: number): number {
    const room = this.limits.maxHeaderBytes - this.headerBytes;
    const end = Math.min(chunk.length, at + room);
    let i = at;
    while (i < end && this.matched < 4) {
      const byte = chunk[i];
      const wanted = this.matched % 2 === 0 ? CR : LF;
      this.matched = byte === wanted ? this.matched + 1 : byte === CR ? 1 : 0;
      i += 1;
    }
    this.header.push(chunk.subarray(at, i));
    this.headerBytes += i - at;
    if (this.matched < 4) {
      if (this.headerBytes >= this.limits.maxHeaderBytes) throw new FramingError(`A message header longer than ${this.limits.maxHeaderBytes} bytes.`);
      return i;
    }
    this.expected = this.contentLength(Buffer.concat(this.header, this.headerBytes).toString('latin1'));
    this.header.length = 0;
    this.headerBytes = 0;
    this.matched = 0;
    return i;
  }

  private contentLength(header: string): number {
    let length: number | null = null;
    for (const line of header.split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FramingError('A message header line without a name.');
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,15}$/.test(value)) throw new FramingError('A Content-Length that is not a number of bytes.');
      length = Number(value);
    }
    if (length === null) throw new FramingError('A message without a Content-Length.');
    if (length > this.limits.maxMessageBytes) throw new FramingError(`A message of ${length} bytes (at most ${this.limits.maxMessageBytes}).`);
    return length;
  }
}
