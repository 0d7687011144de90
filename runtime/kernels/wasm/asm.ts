// A small WebAssembly encoder for the hand-assembled SIMD kernels (runtime/kernels/wasm/simd.ts,
// runtime/kernels/wasm/simd-made.ts): LEB128, sections, locals and the opcodes they use.

/** unsigned / signed LEB128 */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f; n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
};
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)], set = (i: number) => [0x21, ...uleb(i)], tee = (i: number) => [0x22, ...uleb(i)];
export const i32c = (n: number) => [0x41, ...sleb(n)];
export const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, GE_U = 0x4f;
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const LOAD = simd(0x00, 0, 0), STORE = simd(0x0b, 0, 0);
export const SPLAT = simd(0x13), FSQRT = simd(0xe3), FADD = simd(0xe4), FSUB = simd(0xe5), FMUL = simd(0xe6), FDIV = simd(0xe7);

// i8x16.shuffle of 32-bit lanes; the 4×4 transpose steps
export const SHUF = (lanes: number[]) => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
export const LO = SHUF([0, 4, 1, 5]), HI = SHUF([2, 6, 3, 7]), LO64 = SHUF([0, 1, 4, 5]), HI64 = SHUF([2, 3, 6, 7]);
