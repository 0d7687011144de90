// Receptive fields as sets of relative offsets. A field of a feature map at pixel p lists the
// data elements (p + (dy, dx), channel c) it may depend on. Convolutions are translation
// invariant, so one field per channel group describes every pixel; zero padding only removes
// dependencies near the border, so a field is a sound over-approximation for every pixel and
// exact for pixels far enough from the border. Offsets are kept inside the window that can
// matter for an H×W image: dy ∈ [−(H−1), H−1], dx ∈ [−(W−1), W−1].

export class Field {
  readonly rows: number;
  readonly cols: number;
  readonly bits: Uint8Array;
  constructor(readonly H: number, readonly W: number, readonly C: number) {
    this.rows = 2 * H - 1;
    this.cols = 2 * W - 1;
    this.bits = new Uint8Array(this.rows * this.cols * C);
  }
  index(dy: number, dx: number, c: number): number {
    return ((dy + this.H - 1) * this.cols + (dx + this.W - 1)) * this.C + c;
  }
  inWindow(dy: number, dx: number): boolean {
    return dy > -this.H && dy < this.H && dx > -this.W && dx < this.W;
  }
  set(dy: number, dx: number, c: number): void { if (this.inWindow(dy, dx)) this.bits[this.index(dy, dx, c)] = 1; }
  get(dy: number, dx: number, c: number): boolean { return this.inWindow(dy, dx) && this.bits[this.index(dy, dx, c)] === 1; }
  /** this ∪= shift(src, dy, dx); returns whether anything was added */
  orShifted(src: Field, sy: number, sx: number): boolean {
    let changed = false;
    const { H, W, C } = this;
    for (let dy = -(H - 1); dy < H; dy++) {
      const ty = dy + sy;
      if (ty <= -H || ty >= H) continue;
      for (let dx = -(W - 1); dx < W; dx++) {
        const tx = dx + sx;
        if (tx <= -W || tx >= W) continue;
        const s = src.index(dy, dx, 0), t = this.index(ty, tx, 0);
        for (let c = 0; c < C; c++) {
          if (src.bits[s + c] && !this.bits[t + c]) { this.bits[t + c] = 1; changed = true; }
        }
      }
    }
    return changed;
  }
  isEmpty(): boolean { return !this.bits.some((b) => b === 1); }
  clone(): Field { const f = new Field(this.H, this.W, this.C); f.bits.set(this.bits); return f; }
  /** every (dy, dx, c) in the field */
  *entries(): Generator<[number, number, number]> {
    const { H, W, C } = this;
    for (let dy = -(H - 1); dy < H; dy++) for (let dx = -(W - 1); dx < W; dx++) for (let c = 0; c < C; c++) {
      if (this.bits[this.index(dy, dx, c)]) yield [dy, dx, c];
    }
  }
  /** pixel offsets reached through any channel */
  pixels(): Set<string> {
    const s = new Set<string>();
    for (const [dy, dx] of this.entries()) s.add(`${dy},${dx}`);
    return s;
  }
}

/** A feature map: one field per channel group. */
export type FieldMap = Field[];

export const emptyMap = (groups: number, H: number, W: number, C: number): FieldMap =>
  Array.from({ length: groups }, () => new Field(H, W, C));
