// Offsets ↔ 1-based line/column. Columns count UTF-16 code units, a tab counts as one
// (as tsc reports them); the renderer expands tabs only for display.

export interface LineCol {
  line: number;
  col: number;
}

export class LineIndex {
  /** offset of the first character of each line */
  readonly starts: number[];
  constructor(readonly text: string) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** 0-based line index containing offset (clamped to the text) */
  lineOf(offset: number): number {
    const off = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0,
      hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based line and column of an offset */
  position(offset: number): LineCol {
    const off = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(off);
    return { line: line + 1, col: off - this.starts[line]! + 1 };
  }

  /** 1-based line → offset of the first character */
  offsetOf(line: number, col = 1): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    return Math.min(this.starts[l - 1]! + col - 1, this.text.length);
  }

  /** text of a 0-based line, without its line break */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    let end = this.starts[line + 1] ?? this.text.length;
    while (end > start && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

const cache = new Map<string, LineIndex>();

/** a LineIndex for a text, cached for the most recent texts */
export function lineIndex(text: string): LineIndex {
  let idx = cache.get(text);
  if (!idx) {
    if (cache.size > 32) cache.clear();
    idx = new LineIndex(text);
    cache.set(text, idx);
  }
  return idx;
}

export function offsetToLineCol(text: string, offset: number): LineCol {
  return lineIndex(text).position(offset);
}
