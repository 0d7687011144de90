// Watches the LSP base protocol's framing on the way in: `Header: value` lines, a blank line, then
// Content-Length bytes of content. vscode-jsonrpc waits forever on a missing or malformed
// Content-Length (the server stalls silently until stdin closes); `flowc lsp` logs the problem and
// exits instead, so that the editor restarts it.
import { Transform, type TransformCallback } from 'node:stream';

/** headers longer than this without the blank line that ends them are not LSP */
export const MAX_HEADER_BYTES = 16 * 1024;
/** a larger announced message is refused (a document of the largest allowed spec is ~2 MB) */
export const MAX_CONTENT_BYTES = 256 * 1024 * 1024;

const CRLF2 = Buffer.from('\r\n\r\n');

export class FramingChecker {
  private header = Buffer.alloc(0);
  /** content bytes still to come for the current message */
  private remaining = 0;

  /** feeds bytes; returns why the stream is malformed, or undefined while it is fine */
  push(chunk: Buffer): string | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        this.remaining -= n;
        at += n;
        continue;
      }
      const before = this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(at)]);
      const end = this.header.indexOf(CRLF2);
      if (end < 0) {
        if (this.header.length > MAX_HEADER_BYTES) {
          return `no end of the message header within ${MAX_HEADER_BYTES} bytes`;
        }
        return undefined;
      }
      const problem = this.parse(this.header.subarray(0, end).toString('ascii'));
      if (problem) return problem;
      at += end + CRLF2.length - before;
      this.header = Buffer.alloc(0);
    }
    return undefined;
  }

  private parse(header: string): string | undefined {
    let length: number | undefined;
    for (const line of header.split('\r\n')) {
      const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
      if (!m) return `malformed header line ${JSON.stringify(line.slice(0, 80))}`;
      if (m[1].toLowerCase() !== 'content-length') continue;
      if (!/^\d{1,12}$/.test(m[2].trim())) return `malformed Content-Length ${JSON.stringify(m[2].slice(0, 40))}`;
      length = Number(m[2].trim());
      if (length > MAX_CONTENT_BYTES) return `Content-Length ${length} is over the limit of ${MAX_CONTENT_BYTES} bytes`;
    }
    if (length === undefined) return `message header without Content-Length: ${JSON.stringify(header.slice(0, 80))}`;
    this.remaining = length;
    return undefined;
  }
}

/** passes the bytes through unchanged; calls `onMalformed` (once) and stops at the first framing error */
export function checkedFraming(onMalformed: (why: string) => void): Transform {
  const checker = new FramingChecker();
  let bad = false;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      if (bad) {
        done();
        return;
      }
      const why = checker.push(chunk);
      if (why) {
        bad = true;
        onMalformed(why);
        done();
        return;
      }
      done(null, chunk);
    },
  });
}
