// Receptive fields as sets of relative offsets. A field of a feature map at pixel p lists the
// data elements (p + (dy, dx), channel c) it may depend on. Convolutions are translation
// invariant, so one field per channel group describes every pixel; zero padding only removes
// dependencies near the border, so a field is a sound over-approximation for every pixel and
// exact for pixels far enough from the border. Offsets are kept inside the window that can
// matter for an H×W image: dy ∈ [−(H−1), H−1], dx ∈ [−(W−1), W−1].
//
// Bounded representation: per offset the field stores the largest channel reached, and stands
// for the channels 0..max (−1: none). The masked-convolution rules (mask A: channels before the
// predicted one; mask B: up to it; off-centre: all) only ever produce such prefixes, so the
// representation is exact for them, and an over-approximation (still sound for causality) for
// any other rule. Memory is (2H−1)(2W−1) small integers per group, whatever the channel count,
// and a convolution is a few row-wise sliding maxima (dilations), not one shift per channel pair.

export class Field {
  readonly rows: number;
  readonly cols: number;
  /** max channel reached per offset, −1 = none; row-major over (dy + H − 1, dx + W − 1) */
  readonly top: Int16Array;
  constructor(
    readonly H: number,
    readonly W: number,
    readonly C: number,
  ) {
    this.rows = 2 * H - 1;
    this.cols = 2 * W - 1;
    this.top = new Int16Array(this.rows * this.cols).fill(-1);
  }
  index(dy: number, dx: number): number {
    return (dy + this.H - 1) * this.cols + (dx + this.W - 1);
  }
  inWindow(dy: number, dx: number): boolean {
    return dy > -this.H && dy < this.H && dx > -this.W && dx < this.W;
  }
  /** add channels 0..c at (dy, dx) */
  set(dy: number, dx: number, c: number): void {
    if (!this.inWindow(dy, dx)) return;
    const i = this.index(dy, dx);
    if (c > this.top[i]!) this.top[i] = c;
  }
  get(dy: number, dx: number, c: number): boolean {
    return this.inWindow(dy, dx) && c <= this.top[this.index(dy, dx)]!;
  }
  /** the largest channel reached at (dy, dx), −1 when none */
  maxAt(dy: number, dx: number): number {
    return this.inWindow(dy, dx) ? this.top[this.index(dy, dx)]! : -1;
  }
  /** this ∪= shift(src, dy, dx); returns whether anything was added */
  orShifted(src: Field, sy: number, sx: number): boolean {
    return this.orDilated(src, sy, sx, sx);
  }
  /**
   * this ∪= ⋃_{dx ∈ [dx0, dx1]} shift(src, dy, dx): a row-wise sliding maximum (doubling), in
   * O(rows·cols·log(dx1 − dx0 + 1)) whatever the width of the run.
   */
  orDilated(src: Field, dy: number, dx0: number, dx1: number): boolean {
    const { rows, cols } = this;
    // shifts of a whole window width or more move everything out of it
    dx0 = Math.max(dx0, -(cols - 1));
    dx1 = Math.min(dx1, cols - 1);
    if (dx0 > dx1 || dy <= -rows || dy >= rows) return false;
    const s = src === this ? this.clone() : src;
    const w = dx1 - dx0 + 1;
    const pad = cols;
    const t = new Int16Array(cols + 2 * pad);
    let changed = false;
    for (let r = 0; r < rows; r++) {
      const sr = r - dy;
      if (sr < 0 || sr >= rows) continue;
      t.fill(-1);
      t.set(s.top.subarray(sr * cols, sr * cols + cols), pad);
      let len = 1;
      while (len * 2 <= w) {
        for (let j = 0; j + len < t.length; j++) if (t[j + len]! > t[j]!) t[j] = t[j + len]!;
        len *= 2;
      }
      // target column x reads source columns x − dx1 .. x − dx0
      for (let x = 0; x < cols; x++) {
        const a = x - dx1 + pad,
          b = x - dx0 + pad;
        if (b < 0 || a >= t.length) continue;
        const lo = Math.max(a, 0),
          hi = Math.min(b, t.length - 1);
        const v = Math.max(t[lo]!, t[Math.max(hi - len + 1, lo)]!);
        const i = r * cols + x;
        if (v > this.top[i]!) {
          this.top[i] = v;
          changed = true;
        }
      }
    }
    return changed;
  }
  /** this ∪= other (same window) */
  orWith(other: Field): boolean {
    let changed = false;
    const a = this.top,
      b = other.top;
    for (let i = 0; i < a.length; i++)
      if (b[i]! > a[i]!) {
        a[i] = b[i]!;
        changed = true;
      }
    return changed;
  }
  equals(other: Field): boolean {
    const a = this.top,
      b = other.top;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  isEmpty(): boolean {
    return !this.top.some((m) => m >= 0);
  }
  clone(): Field {
    const f = new Field(this.H, this.W, this.C);
    f.top.set(this.top);
    return f;
  }
  /** every (dy, dx, c) in the field */
  *entries(): Generator<[number, number, number]> {
    const { H, W } = this;
    for (let dy = -(H - 1); dy < H; dy++)
      for (let dx = -(W - 1); dx < W; dx++) {
        const m = this.top[this.index(dy, dx)]!;
        for (let c = 0; c <= m; c++) yield [dy, dx, c];
      }
  }
  /** pixel offsets reached through any channel */
  pixels(): Set<string> {
    const s = new Set<string>();
    const { H, W } = this;
    for (let dy = -(H - 1); dy < H; dy++)
      for (let dx = -(W - 1); dx < W; dx++) {
        if (this.top[this.index(dy, dx)]! >= 0) s.add(`${dy},${dx}`);
      }
    return s;
  }
}

/** A feature map: one field per channel group. */
export type FieldMap = Field[];

export const emptyMap = (groups: number, H: number, W: number, C: number): FieldMap =>
  Array.from({ length: groups }, () => new Field(H, W, C));

/** pointwise max over the fields of a map: pre[k] = ⋃ map[0..k−1] (pre[0] is empty) */
export function prefixUnions(map: FieldMap, H: number, W: number, C: number): Field[] {
  const pre: Field[] = [new Field(H, W, C)];
  for (const f of map) {
    const next = pre[pre.length - 1]!.clone();
    next.orWith(f);
    pre.push(next);
  }
  return pre;
}
