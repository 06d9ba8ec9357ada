// Complete events in a raw response body, counted as its bytes arrive, so liveness means
// progress: a server-sent event ends at a blank line after at least one `data` or `event` field
// (what the SDK's decoder dispatches; comments and blank lines alone are not events), an AWS
// event-stream frame (Bedrock) once the length its prelude announces has arrived. A line is read
// only up to its field name's colon (the rest is skipped to the line's end) and the state is a
// few numbers, so a chunk split anywhere counts the same.

export interface EventCounter {
  /** Reads the next chunk of the body; returns how many events it completed. */
  feed(chunk: Uint8Array): number;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const DATA = [100, 97, 116, 97]; // "data"
const EVENT = [101, 118, 101, 110, 116]; // "event"

class ServerSentEvents implements EventCounter {
  /** Bytes of the current line's field name so far (up to its colon). */
  private nameLength = 0;
  private nameEnded = false;
  private maybeData = true;
  private maybeEvent = true;
  private lineEmpty = true;
  /** The event being read has a field that makes it dispatch. */
  private eventHasField = false;
  /** The last byte was a CR: a LF right after it ends the same line. */
  private afterCR = false;

  feed(chunk: Uint8Array): number {
    let events = 0;
    // Past a field's name, nothing up to the line's end matters: the rest of the line is skipped
    // to the next CR or LF, found natively (a data line is most of the body).
    let nextLF = -1;
    let nextCR = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.nameEnded && !this.afterCR) {
        if (nextLF < i) nextLF = indexOrEnd(chunk, LF, i);
        if (nextCR < i) nextCR = indexOrEnd(chunk, CR, i);
        i = Math.min(nextLF, nextCR);
        if (i >= chunk.length) break;
      }
      const byte = chunk[i]!;
      if (byte === LF && this.afterCR) {
        this.afterCR = false;
        continue;
      }
      this.afterCR = byte === CR;
      if (byte === LF || byte === CR) {
        if (!this.lineEmpty) {
          if ((this.maybeData && this.nameLength === DATA.length) || (this.maybeEvent && this.nameLength === EVENT.length)) this.eventHasField = true;
        } else if (this.eventHasField) {
          events += 1;
          this.eventHasField = false;
        }
        this.nameLength = 0;
        this.nameEnded = false;
        this.maybeData = true;
        this.maybeEvent = true;
        this.lineEmpty = true;
        continue;
      }
      this.lineEmpty = false;
      if (this.nameEnded) continue;
      if (byte === COLON) {
        this.nameEnded = true;
        continue;
      }
      if (DATA[this.nameLength] !== byte) this.maybeData = false;
      if (EVENT[this.nameLength] !== byte) this.maybeEvent = false;
      this.nameLength += 1;
    }
    return events;
  }
}

/** Where `byte` next occurs in `chunk` from `from`, or the chunk's length when it does not. */
function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}

/** The smallest frame: a 12-byte prelude and a 4-byte checksum. */
const MIN_FRAME_BYTES = 16;
/** The event-stream format's largest message (16 MiB); a longer announced length is junk. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

class EventStreamFrames implements EventCounter {
  /** Bytes of the current frame still to come after its length; 0 while the length is read. */
  private remaining = 0;
  private length = 0;
  private lengthBytes = 0;
  /** An impossible length arrived: nothing after it is a frame. */
  private broken = false;

  feed(chunk: Uint8Array): number {
    let events = 0;
    let i = 0;
    while (i < chunk.length && !this.broken) {
      if (this.remaining === 0) {
        this.length = this.length * 256 + chunk[i]!;
        this.lengthBytes += 1;
        i += 1;
        if (this.lengthBytes < 4) continue;
        if (this.length < MIN_FRAME_BYTES || this.length > MAX_FRAME_BYTES) this.broken = true;
        else this.remaining = this.length - 4;
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) events += 1;
    }
    return events;
  }
}

/** The counter for a body of this content type: event-stream frames for Bedrock's, else SSE. */
export function eventCounterFor(contentType: string | null): EventCounter {
  return contentType !== null && /application\/vnd\.amazon\.eventstream/i.test(contentType) ? new EventStreamFrames() : new ServerSentEvents();
}
