// Kernel bodies of the wasm SIMD module (runtime/kernels/wasm/simd.ts) for the staircase MADE layer
// (runtime/kernels/fused/staircase-dense.ts) and the fused Bernoulli log-likelihood (runtime/kernels/fused/bernoulli-loss.ts).
// Each returns a function body (locals + code) over params that are byte offsets and sizes.
import {
  ADD, F32, FADD, FDIV, FMUL, FSUB, GE_U, HI, HI64, I32, LO, LO64, LOAD, MUL, SHL, SPLAT, STORE, V128,
  get, i32c, set, simd, tee, uleb, vec,
} from './asm.js';

// Block copies for the staircase MADE layer (runtime/kernels/fused/staircase-dense.ts); strides in
// elements, pointers already at the block's origin, rows/cols multiples of 4 (maskBlock: cols):
//   maskBlock(w, ldw, m, ldm, d, ldd, rows, cols):  d[r, c] = w[r, c]·m[r, c]
//   maskBlockT(w, ldw, m, ldm, d, ldd, rows, cols): d[c, r] = w[r, c]·m[r, c] (4×4 register tiles)
//   copyBlock(w, ldw, _, _, d, ldd, rows, cols):     d[r, c] = w[r, c]
//   copyBlockT(w, ldw, _, _, d, ldd, rows, cols):    d[c, r] = w[r, c]
//   zero(d, ldd, rows, cols):                         d[r, c] = 0
const BW = 0, BLW = 1, BM = 2, BLM = 3, BD = 4, BLD = 5, BR = 6, BC = 7; // params
export function maskBlockBody(masked: boolean): number[] {
  const r = 8, c = 9;
  const b: number[] = [];
  for (const l of [BLW, BLM, BLD]) b.push(...get(l), ...i32c(2), SHL, ...set(l)); // strides in bytes
  b.push(...get(BC), ...i32c(2), SHL, ...set(BC));
  b.push(...i32c(0), ...set(r), 0x02, 0x40, 0x03, 0x40, ...get(r), ...get(BR), GE_U, 0x0d, 1);
  b.push(...i32c(0), ...set(c), 0x02, 0x40, 0x03, 0x40, ...get(c), ...get(BC), GE_U, 0x0d, 1);
  b.push(...get(BD), ...get(c), ADD, ...get(BW), ...get(c), ADD, ...LOAD);
  if (masked) b.push(...get(BM), ...get(c), ADD, ...LOAD, ...FMUL);
  b.push(...STORE);
  b.push(...get(c), ...i32c(16), ADD, ...set(c), 0x0c, 0, 0x0b, 0x0b);
  for (const [p, l] of [[BW, BLW], [BM, BLM], [BD, BLD]] as const) b.push(...get(p), ...get(l), ADD, ...set(p));
  b.push(...get(r), ...i32c(1), ADD, ...set(r), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(2), I32]]), ...b];
}
export function maskBlockTBody(masked: boolean): number[] {
  const r = 8, c = 9, sw = 10, sm = 11, sd = 12;                   // i32 locals
  const A = 13, T = 17;                                             // v128 locals a0..a3, t0..t3
  const row = (base: number, ld: number, k: number) => [...get(base), ...(k ? [...get(ld), ...i32c(k), MUL, ADD] : [])];
  const b: number[] = [];
  for (const l of [BLW, BLM, BLD]) b.push(...get(l), ...i32c(2), SHL, ...set(l));
  b.push(...i32c(0), ...set(r), 0x02, 0x40, 0x03, 0x40, ...get(r), ...get(BR), GE_U, 0x0d, 1);
  b.push(...i32c(0), ...set(c), 0x02, 0x40, 0x03, 0x40, ...get(c), ...get(BC), GE_U, 0x0d, 1);
  // sw = w + r·ldw + 4c, sm = m + r·ldm + 4c, sd = d + c·ldd + 4r (bytes)
  b.push(...get(BW), ...get(r), ...get(BLW), MUL, ADD, ...get(c), ...i32c(2), SHL, ADD, ...set(sw));
  b.push(...get(BM), ...get(r), ...get(BLM), MUL, ADD, ...get(c), ...i32c(2), SHL, ADD, ...set(sm));
  b.push(...get(BD), ...get(c), ...get(BLD), MUL, ADD, ...get(r), ...i32c(2), SHL, ADD, ...set(sd));
  for (let k = 0; k < 4; k++) {
    b.push(...row(sw, BLW, k), ...LOAD);
    if (masked) b.push(...row(sm, BLM, k), ...LOAD, ...FMUL);
    b.push(...set(A + k));
  }
  b.push(...get(A), ...get(A + 1), ...LO, ...set(T), ...get(A), ...get(A + 1), ...HI, ...set(T + 1));
  b.push(...get(A + 2), ...get(A + 3), ...LO, ...set(T + 2), ...get(A + 2), ...get(A + 3), ...HI, ...set(T + 3));
  const cols = [[T, T + 2, LO64], [T, T + 2, HI64], [T + 1, T + 3, LO64], [T + 1, T + 3, HI64]] as const;
  cols.forEach(([x, y, sh], k) => b.push(...row(sd, BLD, k), ...get(x), ...get(y), ...sh, ...STORE));
  b.push(...get(c), ...i32c(4), ADD, ...set(c), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(r), ...i32c(4), ADD, ...set(r), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(5), I32], [...uleb(8), V128]]), ...b];
}
export function zeroBody(): number[] {
  const D = 0, LD = 1, R = 2, C = 3, r = 4, c = 5, Z = 6;
  const b: number[] = [0x43, 0, 0, 0, 0, ...SPLAT, ...set(Z)];      // f32.const 0, splat
  b.push(...get(LD), ...i32c(2), SHL, ...set(LD), ...get(C), ...i32c(2), SHL, ...set(C));
  b.push(...i32c(0), ...set(r), 0x02, 0x40, 0x03, 0x40, ...get(r), ...get(R), GE_U, 0x0d, 1);
  b.push(...i32c(0), ...set(c), 0x02, 0x40, 0x03, 0x40, ...get(c), ...get(C), GE_U, 0x0d, 1);
  b.push(...get(D), ...get(c), ADD, ...get(Z), ...STORE);
  b.push(...get(c), ...i32c(16), ADD, ...set(c), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(D), ...get(LD), ADD, ...set(D), ...get(r), ...i32c(1), ADD, ...set(r), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(2), I32], [...uleb(1), V128]]), ...b];
}

// Bernoulli log-likelihood of logits l and 0/1 data x (runtime/kernels/fused/bernoulli-loss.ts), n4
// elements (a multiple of 4), with e = exp(−|l|) and u = 1 + e:
//   bernFwd(l, x, out, sig, n4):   out = x·l − softplus(l), softplus(l) = max(l, 0) + log1p(e),
//                                  log1p(e) = log(u)·e/(u − 1) (e where u = 1); sig = σ(l)
//   bernGrad(dy, x, sig, out, n4): out = dy·(x − sig)
// exp and log are Cephes' single-precision expf/logf (range reduction + polynomial, ~1 ulp).
const fconst = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const FABS = simd(0xe0), FNEG = simd(0xe1), FMAX = simd(0xe9), FNEAREST = simd(0x6a), FEQ = simd(0x41), FGT = simd(0x44),
  FGE = simd(0x46), BITSEL = simd(0x52), VAND = simd(0x4e), TRUNC_S = simd(0xf8), IADD = simd(0xae), ISHL = simd(0xab), ISPLAT = simd(0x11);
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1];
export function bernFwdBody(): number[] {
  const L = 0, X = 1, OUTP = 2, SIG = 3, NN = 4, k = 5;             // params, i32 local
  const consts = [-87.3, Math.LOG2E, 0.693359375, -2.12194440e-4, 1, Math.SQRT2, 0.5, 0, -0.5, ...EXP_P, ...LOG_P];
  const [M87, LOG2E, LNHI, LNLO, ONE, SQ2, HALF, ZERO, MHALF, EXP0, LOG0] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15];
  const C0 = 6, cl = (i: number) => get(C0 + i);                    // splatted constants
  const V0 = C0 + consts.length;                                     // v128 temporaries
  const [VL, T, NF, R, P, E, U, MSK, KF, F, Z, Q, LU] = Array.from({ length: 13 }, (_, i) => V0 + i);
  const poly = (c: number, n: number, x: number) => {                // ((c₀·x + c₁)·x + …) + c_{n−1}
    const out = [...cl(c)];
    for (let i = 1; i < n; i++) out.push(...get(x), ...FMUL, ...cl(c + i), ...FADD);
    return out;
  };
  const b: number[] = [];
  consts.forEach((v, i) => b.push(...fconst(v), ...SPLAT, ...set(C0 + i)));
  b.push(...get(NN), ...i32c(2), SHL, ...set(NN), ...i32c(0), ...set(k));
  b.push(0x02, 0x40, 0x03, 0x40, ...get(k), ...get(NN), GE_U, 0x0d, 1);
  // e = exp(t), t = max(−|l|, −87.3): t = n·ln2 + r, e = 2ⁿ·expf_poly(r)
  b.push(...get(L), ...get(k), ADD, ...LOAD, ...tee(VL), ...FABS, ...FNEG, ...cl(M87), ...FMAX, ...set(T));
  b.push(...get(T), ...cl(LOG2E), ...FMUL, ...FNEAREST, ...set(NF));
  b.push(...get(T), ...get(NF), ...cl(LNHI), ...FMUL, ...FSUB, ...get(NF), ...cl(LNLO), ...FMUL, ...FSUB, ...set(R));
  b.push(...poly(EXP0, 6, R), ...get(R), ...get(R), ...FMUL, ...FMUL, ...get(R), ...FADD, ...cl(ONE), ...FADD);
  b.push(...get(NF), ...TRUNC_S, ...i32c(127), ...ISPLAT, ...IADD, ...i32c(23), ...ISHL, ...FMUL, ...set(E));
  // log(u), u = 1 + e ∈ [1, 2]: u = 2ᵏ·x with x ∈ [√½, √2], f = x − 1
  b.push(...get(E), ...cl(ONE), ...FADD, ...set(U), ...get(U), ...cl(SQ2), ...FGT, ...set(MSK));
  b.push(...get(MSK), ...cl(ONE), ...VAND, ...set(KF));
  b.push(...get(U), ...cl(HALF), ...cl(ONE), ...get(MSK), ...BITSEL, ...FMUL, ...cl(ONE), ...FSUB, ...set(F));
  b.push(...get(F), ...get(F), ...FMUL, ...set(Z));
  b.push(...poly(LOG0, 9, F), ...get(F), ...FMUL, ...get(Z), ...FMUL, ...get(KF), ...cl(LNLO), ...FMUL, ...FADD,
    ...get(Z), ...cl(MHALF), ...FMUL, ...FADD, ...set(Q));
  b.push(...get(F), ...get(Q), ...FADD, ...get(KF), ...cl(LNHI), ...FMUL, ...FADD, ...set(LU));
  // softplus = max(l, 0) + log1p(e); out = x·l − softplus
  b.push(...get(E), ...get(LU), ...get(E), ...FMUL, ...get(U), ...cl(ONE), ...FSUB, ...FDIV, ...get(U), ...cl(ONE), ...FEQ, ...BITSEL);
  b.push(...get(VL), ...cl(ZERO), ...FMAX, ...FADD, ...set(P));
  b.push(...get(OUTP), ...get(k), ADD, ...get(X), ...get(k), ADD, ...LOAD, ...get(VL), ...FMUL, ...get(P), ...FSUB, ...STORE);
  // σ(l) = 1/u for l ≥ 0, e/u otherwise
  b.push(...cl(ONE), ...get(U), ...FDIV, ...set(R));
  b.push(...get(SIG), ...get(k), ADD, ...get(R), ...get(E), ...get(R), ...FMUL, ...get(VL), ...cl(ZERO), ...FGE, ...BITSEL, ...STORE);
  b.push(...get(k), ...i32c(16), ADD, ...set(k), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(1), I32], [...uleb(consts.length + 13), V128]]), ...b];
}
export function bernGradBody(): number[] {
  const DY = 0, X = 1, SIG = 2, OUTP = 3, NN = 4, k = 5;
  const at2 = (p: number) => [...get(p), ...get(k), ADD];
  const b: number[] = [...get(NN), ...i32c(2), SHL, ...set(NN), ...i32c(0), ...set(k)];
  b.push(0x02, 0x40, 0x03, 0x40, ...get(k), ...get(NN), GE_U, 0x0d, 1);
  b.push(...at2(OUTP), ...at2(DY), ...LOAD, ...at2(X), ...LOAD, ...at2(SIG), ...LOAD, ...FSUB, ...FMUL, ...STORE);
  b.push(...get(k), ...i32c(16), ADD, ...set(k), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(1), I32]]), ...b];
}

// Bias, ReLU and their gradient on [O, N] row-major activations (staircase-dense.ts), any N:
//   biasRelu / biasLin(z, b, O, N):      z[o, n] ← relu(z[o, n] + b[o]) / z[o, n] + b[o], in place
//   reluGrad(dy, y, dz, db, O, N):        dz = dy·[y > 0], db[o] = Σₙ dz[o, n]
//   linGrad(dy, _, _, db, O, N):          db[o] = Σₙ dy[o, n]
const F32LOAD = [0x2a, 2, 0], F32STORE = [0x38, 2, 0], F32ADD = 0x92, F32MAX = 0x97, F32GT = 0x5e, SELECT = 0x1b, AND = 0x71;
const LANE = (i: number) => simd(0x1f, i);
/** nb4 = 4·(N − N mod 4), nb = 4·N (bytes of a row's SIMD part and of the row) */
const rowBytes = (N: number, nb4: number, nb: number) => [...get(N), ...i32c(-4), AND, ...i32c(2), SHL, ...set(nb4), ...get(N), ...i32c(2), SHL, ...set(nb)];
export function biasActBody(relu: boolean): number[] {
  const Zp = 0, Bp = 1, O = 2, N = 3, o = 4, n = 5, row = 6, nb4 = 7, nb = 8, bs = 9, bv = 10, zero = 11;
  const at = [...get(row), ...get(n), ADD];
  const b: number[] = [...rowBytes(N, nb4, nb), ...fconst(0), ...SPLAT, ...set(zero)];
  b.push(...i32c(0), ...set(o), 0x02, 0x40, 0x03, 0x40, ...get(o), ...get(O), GE_U, 0x0d, 1);
  b.push(...get(Zp), ...get(o), ...get(nb), MUL, ADD, ...set(row));
  b.push(...get(Bp), ...get(o), ...i32c(2), SHL, ADD, ...F32LOAD, ...set(bs), ...get(bs), ...SPLAT, ...set(bv));
  b.push(...i32c(0), ...set(n), 0x02, 0x40, 0x03, 0x40, ...get(n), ...get(nb4), GE_U, 0x0d, 1);
  b.push(...at, ...at, ...LOAD, ...get(bv), ...FADD, ...(relu ? [...get(zero), ...FMAX] : []), ...STORE);
  b.push(...get(n), ...i32c(16), ADD, ...set(n), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x02, 0x40, 0x03, 0x40, ...get(n), ...get(nb), GE_U, 0x0d, 1);
  b.push(...at, ...at, ...F32LOAD, ...get(bs), F32ADD, ...(relu ? [...fconst(0), F32MAX] : []), ...F32STORE);
  b.push(...get(n), ...i32c(4), ADD, ...set(n), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(o), ...i32c(1), ADD, ...set(o), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(5), I32], [...uleb(1), F32], [...uleb(2), V128]]), ...b];
}
export function actGradBody(relu: boolean): number[] {
  const DY = 0, Y = 1, DZ = 2, DB = 3, O = 4, N = 5, o = 6, n = 7, off = 8, nb4 = 9, nb = 10, sc = 11, d = 12, acc = 13, zero = 14, d4 = 15;
  const at = (p: number) => [...get(p), ...get(off), ADD, ...get(n), ADD];
  const b: number[] = [...rowBytes(N, nb4, nb), ...fconst(0), ...SPLAT, ...set(zero)];
  b.push(...i32c(0), ...set(o), 0x02, 0x40, 0x03, 0x40, ...get(o), ...get(O), GE_U, 0x0d, 1);
  b.push(...get(o), ...get(nb), MUL, ...set(off), ...get(zero), ...set(acc), ...fconst(0), ...set(sc));
  b.push(...i32c(0), ...set(n), 0x02, 0x40, 0x03, 0x40, ...get(n), ...get(nb4), GE_U, 0x0d, 1);
  b.push(...at(DY), ...LOAD, ...set(d4));
  if (relu) b.push(...get(d4), ...at(Y), ...LOAD, ...get(zero), ...FGT, ...VAND, ...set(d4), ...at(DZ), ...get(d4), ...STORE);
  b.push(...get(acc), ...get(d4), ...FADD, ...set(acc));
  b.push(...get(n), ...i32c(16), ADD, ...set(n), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x02, 0x40, 0x03, 0x40, ...get(n), ...get(nb), GE_U, 0x0d, 1);
  b.push(...at(DY), ...F32LOAD, ...set(d));
  if (relu) b.push(...get(d), ...fconst(0), ...at(Y), ...F32LOAD, ...fconst(0), F32GT, SELECT, ...set(d), ...at(DZ), ...get(d), ...F32STORE);
  b.push(...get(sc), ...get(d), F32ADD, ...set(sc));
  b.push(...get(n), ...i32c(4), ADD, ...set(n), 0x0c, 0, 0x0b, 0x0b);
  b.push(...get(DB), ...get(o), ...i32c(2), SHL, ADD,
    ...get(acc), ...LANE(0), ...get(acc), ...LANE(1), F32ADD, ...get(acc), ...LANE(2), F32ADD, ...get(acc), ...LANE(3), F32ADD,
    ...get(sc), F32ADD, ...F32STORE);
  b.push(...get(o), ...i32c(1), ADD, ...set(o), 0x0c, 0, 0x0b, 0x0b);
  b.push(0x0b);
  return [...vec([[...uleb(5), I32], [...uleb(2), F32], [...uleb(3), V128]]), ...b];
}
