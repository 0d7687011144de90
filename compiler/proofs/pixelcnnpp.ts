// Causality of the PixelCNN++ network (compiler/math/pixelcnnpp.ts) by exact dependency
// propagation: every feature map position carries the set of input pixels it depends on (a
// bitset over H·W), pushed through each node of the plan — strided convs, transposed convs,
// shifts, sums, gated blocks — with the runtime's padding and cropping. Channels are joint (a
// pixel's R, G, B are predicted together), so a position may depend only on pixels strictly
// before it in raster order; a node at scale s, position (i, j), stands for the full-resolution
// pixel (2ˢ·i, 2ˢ·j) that first uses it. The first node that breaks this is the witness.
// Strided layers are translation invariant only by steps of 2^(scales−1): images larger than
// MAX_SIDE are proved on a MAX_SIDE window rounded to that step (every offset a kernel can
// reach repeats inside it).
import { convOut, convPad, deconvCropLeft, type PlanNode } from '../math/pixelcnnpp.js';

const MAX_SIDE = 32;

interface Map {
  h: number;
  w: number;
  scale: number;
  bits: Uint32Array;
}

export interface PlanViolation {
  node: number;
  label: string;
  /** the position (full resolution) whose features depend on a later or equal pixel */
  at: [number, number];
  /** that pixel */
  from: [number, number];
}

export interface PlanProof {
  ok: boolean;
  H: number;
  W: number;
  violation?: PlanViolation;
}

/** the window the proof runs on */
export function proofWindow(H: number, W: number, scales: number): [number, number] {
  const step = 1 << Math.max(0, scales - 1);
  const fit = (n: number) => (n <= MAX_SIDE ? n : Math.ceil(MAX_SIDE / step) * step);
  return [fit(H), fit(W)];
}

export function provePlan(plan: PlanNode[], H: number, W: number): PlanProof {
  return run(plan, H, W, true).proof;
}

/**
 * The proof's dependency relation at the output: dep[p·H·W + q] = 1 when the parameters of pixel
 * p may depend on pixel q (for comparison with a numerical Jacobian).
 */
export function planDependencies(plan: PlanNode[], H: number, W: number): Uint8Array {
  const { out, words } = run(plan, H, W, false);
  const HW = H * W;
  const dep = new Uint8Array(HW * HW);
  for (let p = 0; p < HW; p++)
    for (let q = 0; q < HW; q++) {
      if (out.bits[p * words + (q >>> 5)]! & (1 << (q & 31))) dep[p * HW + q] = 1;
    }
  return dep;
}

function run(plan: PlanNode[], H: number, W: number, check: boolean): { proof: PlanProof; out: Map; words: number } {
  const words = (H * W + 31) >>> 5;
  const maps: Map[] = [];
  const alloc = (h: number, w: number, scale: number): Map => ({ h, w, scale, bits: new Uint32Array(h * w * words) });
  const orInto = (dst: Map, p: number, src: Map, q: number) => {
    const a = p * words,
      b = q * words;
    for (let k = 0; k < words; k++) dst.bits[a + k]! |= src.bits[b + k]!;
  };
  const conv = (src: Map, g: { geom: 'down' | 'downright'; kh: number; kw: number }, stride: number): Map => {
    const [h, w] = convOut(g, stride, src.h, src.w);
    const pad = convPad(g);
    const out = alloc(h, w, src.scale + (stride === 2 ? 1 : 0));
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        for (let r = 0; r < g.kh; r++)
          for (let c = 0; c < g.kw; c++) {
            const y = i * stride - pad.top + r,
              x = j * stride - pad.left + c;
            if (y >= 0 && y < src.h && x >= 0 && x < src.w) orInto(out, i * w + j, src, y * src.w + x);
          }
      }
    return out;
  };
  const shift = (src: Map, dir: 'down' | 'right'): Map => {
    const out = alloc(src.h, src.w, src.scale);
    for (let i = 0; i < src.h; i++)
      for (let j = 0; j < src.w; j++) {
        const y = dir === 'down' ? i - 1 : i,
          x = dir === 'right' ? j - 1 : j;
        if (y >= 0 && x >= 0) orInto(out, i * src.w + j, src, y * src.w + x);
      }
    return out;
  };
  const union = (...ms: Map[]): Map => {
    const out = alloc(ms[0]!.h, ms[0]!.w, ms[0]!.scale);
    for (const m of ms) for (let k = 0; k < out.bits.length; k++) out.bits[k]! |= m.bits[k]!;
    return out;
  };
  const deconv = (src: Map, g: { geom: 'down' | 'downright'; kh: number; kw: number }, like: Map): Map => {
    const out = alloc(like.h, like.w, like.scale);
    const left = deconvCropLeft(g);
    // natural output (r, c) = (2i + a, 2j + b); cropped column c' = c − left
    for (let i = 0; i < src.h; i++)
      for (let j = 0; j < src.w; j++) {
        for (let a = 0; a < g.kh; a++)
          for (let b = 0; b < g.kw; b++) {
            const r = 2 * i + a,
              c = 2 * j + b - left;
            if (r < out.h && c >= 0 && c < out.w) orInto(out, r * out.w + c, src, i * src.w + j);
          }
      }
    return out;
  };
  for (let n = 0; n < plan.length; n++) {
    const node = plan[n]!;
    let m: Map;
    switch (node.op) {
      case 'input': {
        m = alloc(H, W, 0);
        for (let p = 0; p < H * W; p++) m.bits[p * words + (p >>> 5)]! |= 1 << (p & 31);
        break;
      }
      case 'conv': {
        m = conv(maps[node.src]!, node.g, node.stride);
        if (node.shift) m = shift(m, node.shift);
        break;
      }
      case 'deconv':
        m = deconv(maps[node.src]!, node.g, maps[node.like]!);
        break;
      case 'add':
        m = union(maps[node.a]!, maps[node.b]!);
        break;
      case 'gated': {
        const x = maps[node.x]!;
        const c1 = union(conv(x, node.g, 1), ...node.aux.map((a) => maps[a]!));
        m = union(x, conv(c1, node.g, 1));
        break;
      }
      case 'out':
        m = maps[node.src]!;
        break;
    }
    maps.push(m);
    if (node.op === 'input' || !check) continue;
    const bad = firstLeak(m, W, words);
    if (bad) return { proof: { ok: false, H, W, violation: { node: n, label: node.label, ...bad } }, out: m, words };
  }
  return { proof: { ok: true, H, W }, out: maps[maps.length - 1]!, words };
}

/** the first position that depends on a pixel at or after its own (full-resolution) pixel */
function firstLeak(m: Map, W: number, words: number): { at: [number, number]; from: [number, number] } | undefined {
  const f = 1 << m.scale;
  for (let i = 0; i < m.h; i++)
    for (let j = 0; j < m.w; j++) {
      const self = i * f * W + j * f;
      const base = (i * m.w + j) * words;
      for (let k = self >>> 5; k < words; k++) {
        let v = m.bits[base + k]!;
        if (k === self >>> 5) v &= ~((1 << (self & 31)) - 1) | 0;
        if (v === 0) continue;
        const q = k * 32 + (31 - Math.clz32(v & -v));
        return { at: [i * f, j * f], from: [Math.floor(q / W), q % W] };
      }
    }
  return undefined;
}

/** "pixel (3,4) reaches the prediction of pixel (3,4) through down pass, scale 0, block 2 (ul stream)" */
export function describePlanViolation(v: PlanViolation): string {
  const [i, j] = v.at,
    [y, x] = v.from;
  const what =
    i === y && j === x
      ? `pixel (${i},${j}) reaches its own prediction`
      : `pixel (${y},${x}) reaches the prediction of pixel (${i},${j})`;
  return `${what} through ${v.label}`;
}
