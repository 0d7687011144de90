// Receptive-field proofs for PixelCNN-style conditionals (van den Oord et al. 2016a/b):
// plain masked-conv stacks (mask A / B / none, any kernel sizes and depth, residuals), the
// sequential R→G→B channel masks, Gated PixelCNN (vertical + horizontal stacks), Row LSTM and
// Diagonal BiLSTM. Causality is proved on the propagated field (not assumed from the masks);
// the blind spot of a causal stack is counted inside its receptive field's bounding box.
import { Field, type FieldMap, emptyMap, prefixUnions } from './field.js';

export type ConvMask = 'A' | 'B' | 'none';
export interface ConvSpec {
  mask: ConvMask;
  kernel: number | readonly [number, number];
  residual?: boolean;
}
export interface ImageSpec {
  C: number;
  H: number;
  W: number;
  channels: 'sequential' | 'joint';
}

export type ArStack =
  | { kind: 'pixelcnn'; layers: ConvSpec[] }
  | { kind: 'gated_pixelcnn'; layers: number; kernel: number }
  /** PixelRNN: a first masked-A conv (7×7 by default), then `layers` LSTM layers with mask B and residuals */
  | { kind: 'row_lstm'; layers: number; kernel?: number; firstKernel?: number }
  | { kind: 'diagonal_bilstm'; layers: number; firstKernel?: number };

export interface PixelViolation {
  /** 1-based layer after which the prediction first (and from then on) depends on a non-causal element */
  layer: number;
  label: string;
  /** the offending input element, relative to the predicted pixel */
  dy: number;
  dx: number;
  inChannel: number;
  /** the predicted channel group (0 when channels are joint) */
  outGroup: number;
}

export interface BlindSpot {
  /** causal context pixels inside the receptive field's bounding box that are never seen */
  size: number;
  /** causal context pixels inside the bounding box */
  context: number;
  box: { dyMin: number; dxMin: number; dxMax: number };
}

export interface PixelProof {
  ok: boolean;
  groups: number;
  violation?: PixelViolation;
  /** the final field of each predicted channel group */
  field: FieldMap;
  blindSpot?: BlindSpot;
}

export const groupCount = (img: ImageSpec): number => (img.channels === 'sequential' && img.C > 1 ? img.C : 1);

/** Is data element (dy, dx, c) allowed in the prediction of group g? (raster order) */
export function causal(img: ImageSpec, dy: number, dx: number, c: number, g: number): boolean {
  if (dy < 0 || (dy === 0 && dx < 0)) return true;
  if (dy === 0 && dx === 0) return groupCount(img) > 1 && c < g;
  return false;
}

type Rule = (dy: number, dx: number, gin: number, gout: number) => boolean;

/** the rule of a masked conv: offsets strictly before the centre see every group; the centre by mask */
export const maskRule =
  (mask: ConvMask): Rule =>
  (dy, dx, gin, gout) => {
    if (mask === 'none') return true;
    if (dy < 0 || (dy === 0 && dx < 0)) return true;
    if (dy === 0 && dx === 0) return mask === 'A' ? gin < gout : gin <= gout;
    return false;
  };
const anyRule: Rule = () => true;

/** the data itself: group e of the input reaches channel e at offset (0, 0) only (not a prefix) */
interface DataSource {
  data: true;
  C: number;
  group: (e: number) => number;
}
type Source = FieldMap | DataSource;
const isData = (s: Source): s is DataSource => !Array.isArray(s);

function dataSource(img: ImageSpec): DataSource {
  const G = groupCount(img);
  return { data: true, C: img.C, group: (e) => (G > 1 ? e : 0) };
}

/**
 * out[g] ∪= shift(in[e], o) for every offset o of the kernel window and input entry e the rule
 * allows. Offsets past the field's window are dropped (they shift everything out of it). For a
 * map input, the inputs a rule allows at an offset are classified (none, a prefix e < k, one
 * group, or another set), consecutive offsets of a row with the same class are applied as one
 * dilation, and dilations shared by several output groups are computed once.
 */
function conv(
  out: FieldMap,
  inp: Source,
  inGroup: (e: number) => number,
  dys: number[],
  dxs: number[],
  rule: Rule,
): boolean {
  const f0 = out[0];
  if (!f0) return false;
  const { H, W, C } = f0;
  // a shift by the window's width (2H − 1 rows, 2W − 1 columns) or more moves everything out of it
  const ys = dys.filter((dy) => Math.abs(dy) < 2 * H - 1);
  const xs = dxs.filter((dx) => Math.abs(dx) < 2 * W - 1);
  let changed = false;
  if (isData(inp)) {
    // the channels the rule lets through at each offset; for the mask rules a prefix 0..max
    out.forEach((f, g) => {
      for (const dy of ys)
        for (const dx of xs) {
          let m = inp.C - 1;
          while (m >= 0 && !rule(dy, dx, inp.group(m), g)) m--;
          if (m > f.maxAt(dy, dx)) {
            f.set(dy, dx, m);
            changed = true;
          }
        }
    });
    return changed;
  }
  // a fixpoint step (out === inp) reads a snapshot: every dilation below is then shared by all groups
  const src = inp === out ? inp.map((f) => f.clone()) : inp;
  const Gin = src.length;
  let pre: Field[] | undefined;
  const sources = new Map<string, Field>();
  const source = (key: string, allowed: number[]): Field => {
    let f = sources.get(key);
    if (f) return f;
    if (key[0] === 'p') f = (pre ??= prefixUnions(src, H, W, C))[allowed.length]!;
    else if (key[0] === 's') f = src[allowed[0]!]!;
    else {
      f = new Field(H, W, C);
      for (const e of allowed) f.orWith(src[e]!);
    }
    sources.set(key, f);
    return f;
  };
  const dilated = new Map<string, Field>();
  const classify = (dy: number, dx: number, g: number): { key: string; allowed: number[] } => {
    const allowed: number[] = [];
    for (let e = 0; e < Gin; e++) if (rule(dy, dx, inGroup(e), g)) allowed.push(e);
    if (allowed.length === 0) return { key: '', allowed };
    if (allowed[allowed.length - 1] === allowed.length - 1) return { key: `p${allowed.length}`, allowed };
    if (allowed.length === 1) return { key: `s${allowed[0]}`, allowed };
    return { key: `u${allowed.join(',')}`, allowed };
  };
  out.forEach((f, g) => {
    for (const dy of ys) {
      let i = 0;
      while (i < xs.length) {
        const c = classify(dy, xs[i]!, g);
        let j = i + 1;
        while (j < xs.length && xs[j] === xs[j - 1]! + 1 && classify(dy, xs[j]!, g).key === c.key) j++;
        if (c.key) {
          const dkey = `${c.key}|${dy}|${xs[i]}|${xs[j - 1]}`;
          let d = dilated.get(dkey);
          if (!d) {
            d = new Field(H, W, C);
            d.orDilated(source(c.key, c.allowed), dy, xs[i]!, xs[j - 1]!);
            dilated.set(dkey, d);
          }
          if (f.orWith(d)) changed = true;
        }
        i = j;
      }
    }
  });
  return changed;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const kernelHW = (k: ConvSpec['kernel']): [number, number] => (typeof k === 'number' ? [k, k] : [k[0], k[1]]);
const idG = (e: number) => e;
/** the kernel offsets that can move something inside a window of 2n − 1 (a kernel may be larger) */
const offsets = (lo: number, hi: number, n: number): number[] =>
  range(Math.max(lo, -(2 * n - 2)), Math.min(hi, 2 * n - 2));
const sameMap = (a: FieldMap, b: Source): boolean =>
  !isData(b) && a.length === b.length && a.every((f, g) => f.equals(b[g]!));
const sameSpec = (a: ConvSpec, b: ConvSpec | undefined): boolean =>
  !!b && a.mask === b.mask && !!a.residual === !!b.residual && kernelHW(a.kernel).join() === kernelHW(b.kernel).join();

function firstViolation(img: ImageSpec, map: FieldMap): Omit<PixelViolation, 'layer' | 'label'> | undefined {
  for (let g = 0; g < map.length; g++) {
    // prefer the most telling witness: the pixel itself, then the nearest future pixel
    let best: Omit<PixelViolation, 'layer' | 'label'> | undefined;
    let bestRank = Infinity;
    const f = map[g]!;
    const { H, W, cols, top } = f;
    // rows above and the pixels before on the current row are always causal: only the rest is read
    for (let dy = 0; dy < H; dy++)
      for (let dx = dy === 0 ? 0 : -(W - 1); dx < W; dx++) {
        const m = top[(dy + H - 1) * cols + dx + W - 1]!;
        if (m < 0) continue;
        let c = g <= m && !causal(img, dy, dx, g, g) ? g : -1;
        for (let k = 0; c < 0 && k <= m; k++) if (!causal(img, dy, dx, k, g)) c = k;
        if (c < 0) continue;
        const rank = Math.abs(dy) * 1000 + Math.abs(dx) * 10 + (c === g ? 0 : 1);
        if (rank < bestRank) {
          bestRank = rank;
          best = { dy, dx, inChannel: c, outGroup: g };
        }
      }
    if (best) return best;
  }
  return undefined;
}

/**
 * Run the stack layer by layer, calling `after(l, label, outputMap)` with the map the prediction
 * would be read from after layer l (1-based). Once a run of identical layers maps its input to
 * itself (the field saturated its window), the rest of the run is skipped: each would give the
 * same map, so the proof and the first bad layer are unchanged.
 */
function propagate(stack: ArStack, img: ImageSpec, after: (l: number, label: string, m: FieldMap) => void): FieldMap {
  const { H, W, C } = img;
  const G = groupCount(img);
  const data = dataSource(img);
  if (stack.kind === 'pixelcnn') {
    let cur: Source = data,
      grp = data.group;
    const layers = stack.layers;
    for (let i = 0; i < layers.length; i++) {
      const L = layers[i]!;
      const [kh, kw] = kernelHW(L.kernel);
      const cy = Math.floor((kh - 1) / 2),
        cx = Math.floor((kw - 1) / 2);
      const out = emptyMap(G, H, W, C);
      conv(out, cur, grp, offsets(-cy, kh - 1 - cy, H), offsets(-cx, kw - 1 - cx, W), maskRule(L.mask));
      const prev = cur;
      if (L.residual && !isData(prev) && prev.length === G && i > 0) out.forEach((f, g) => f.orWith(prev[g]!));
      const steady = i > 0 && sameSpec(L, layers[i + 1]) && sameMap(out, cur);
      cur = out;
      grp = idG;
      after(i + 1, `layer ${i + 1} (mask ${L.mask})`, cur);
      if (steady) while (sameSpec(L, layers[i + 1])) i++;
    }
    return isData(cur) ? emptyMap(G, H, W, C) : cur;
  }
  if (stack.kind === 'gated_pixelcnn') {
    const r = Math.floor((stack.kernel - 1) / 2);
    let v: Source = data,
      h: Source = data,
      grp = data.group;
    for (let l = 1; l <= stack.layers; l++) {
      const mask: ConvMask = l === 1 ? 'A' : 'B';
      // vertical stack: a ⌈k/2⌉×k conv over the rows above and the current row
      const nv = emptyMap(G, H, W, C);
      conv(nv, v, grp, offsets(-r, 0, H), offsets(-r, r, W), anyRule);
      // horizontal stack: a 1×⌈k/2⌉ masked conv on the current row, plus the vertical stack shifted down one row
      const nh = emptyMap(G, H, W, C);
      conv(nh, h, grp, [0], offsets(-r, 0, W), maskRule(mask));
      conv(nh, nv, idG, [-1], [0], anyRule);
      if (l > 1 && !isData(h)) nh.forEach((f, g) => f.orWith((h as FieldMap)[g]!));
      const steady = l > 1 && sameMap(nv, v) && sameMap(nh, h);
      v = nv;
      h = nh;
      grp = idG;
      after(l, `layer ${l} (horizontal stack, mask ${mask})`, h);
      if (steady) break;
    }
    return isData(h) ? emptyMap(G, H, W, C) : h;
  }
  // PixelRNN (van den Oord et al. 2016a): a 7×7 mask-A conv, then LSTM layers whose input-to-state
  // convs are masked B, each with a residual connection
  const fk = stack.firstKernel ?? 7,
    fr = Math.floor((fk - 1) / 2);
  let cur = emptyMap(G, H, W, C);
  conv(cur, data, data.group, offsets(-fr, fk - 1 - fr, H), offsets(-fr, fk - 1 - fr, W), maskRule('A'));
  after(1, `layer 1 (${fk}×${fk} conv, mask A)`, cur);
  for (let l = 2; l <= stack.layers + 1; l++) {
    let out: FieldMap;
    if (stack.kind === 'row_lstm') {
      const r = Math.floor(((stack.kernel ?? 3) - 1) / 2);
      // input-to-state: a 1-D masked conv of width k along the row
      out = emptyMap(G, H, W, C);
      conv(out, cur, idG, [0], offsets(-r, r, W), maskRule('B'));
      // state-to-state: a width-3 conv over the previous row's states, run to a fixpoint
      while (conv(out, out, idG, [-1], [-1, 0, 1], anyRule)) {
        /* until stable */
      }
    } else {
      // diagonal BiLSTM: 1×1 masked input-to-state; the left→right diagonal state sees (i−1,j) and
      // (i,j−1); the right→left one sees (i−1,j) and (i,j+1) and is shifted down one row before the sum
      const s = emptyMap(G, H, W, C);
      conv(s, cur, idG, [0], [0], maskRule('B'));
      const left = s.map((f) => f.clone());
      while (conv(left, left, idG, [-1], [0], anyRule) || conv(left, left, idG, [0], [-1], anyRule)) {
        /* fixpoint */
      }
      const right = s.map((f) => f.clone());
      while (conv(right, right, idG, [-1], [0], anyRule) || conv(right, right, idG, [0], [1], anyRule)) {
        /* fixpoint */
      }
      out = left;
      conv(out, right, idG, [-1], [0], (_dy, _dx, gin, gout) => gin === gout);
    }
    out.forEach((f, g) => f.orWith(cur[g]!));
    const steady = sameMap(out, cur);
    cur = out;
    after(l, `layer ${l} (${stack.kind === 'row_lstm' ? 'row LSTM' : 'diagonal BiLSTM'}, mask B)`, cur);
    if (steady) break;
  }
  return cur;
}

/** causal context pixels inside the bounding box of the field that no channel reaches */
export function blindSpot(field: Field): BlindSpot {
  const px = field.pixels();
  let dyMin = 0,
    dxMin = 0,
    dxMax = 0;
  for (const k of px) {
    const [dy, dx] = k.split(',').map(Number) as [number, number];
    dyMin = Math.min(dyMin, dy);
    dxMin = Math.min(dxMin, dx);
    dxMax = Math.max(dxMax, dx);
  }
  let size = 0,
    context = 0;
  for (let dy = dyMin; dy <= 0; dy++)
    for (let dx = dxMin; dx <= dxMax; dx++) {
      if (!(dy < 0 || dx < 0)) continue;
      context++;
      if (!px.has(`${dy},${dx}`)) size++;
    }
  return { size, context, box: { dyMin, dxMin, dxMax } };
}

export function analyzeArStack(stack: ArStack, img: ImageSpec): PixelProof {
  const states: { layer: number; label: string; bad: boolean }[] = [];
  const field = propagate(stack, img, (layer, label, m) =>
    states.push({ layer, label, bad: !!firstViolation(img, m) }),
  );
  const G = groupCount(img);
  const v = firstViolation(img, field);
  if (v) {
    let k = states.length - 1;
    while (k > 0 && states[k - 1]!.bad) k--;
    const s = states[k] ?? { layer: 0, label: 'the input' };
    return { ok: false, groups: G, field, violation: { ...v, layer: s.layer, label: s.label } };
  }
  return { ok: true, groups: G, field, blindSpot: blindSpot(field[0]!) };
}

const CH = ['R', 'G', 'B'];
const chName = (img: ImageSpec, c: number) => (img.C === 3 ? CH[c]! : `channel ${c}`);

/** "pixel (4,7) reaches its own prediction through layer 1 (mask B)" */
export function describePixelViolation(v: PixelViolation, img: ImageSpec): string {
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
  const pi = clamp(Math.floor(img.H / 2), Math.max(0, -v.dy), Math.min(img.H - 1, img.H - 1 - v.dy));
  const pj = clamp(Math.floor(img.W / 2), Math.max(0, -v.dx), Math.min(img.W - 1, img.W - 1 - v.dx));
  const qi = pi + v.dy,
    qj = pj + v.dx;
  const G = groupCount(img);
  const via = `through ${v.label}`;
  if (v.dy === 0 && v.dx === 0) {
    if (G === 1 || v.inChannel === v.outGroup) {
      const who = G > 1 ? `${chName(img, v.inChannel)} of pixel (${pi},${pj})` : `pixel (${pi},${pj})`;
      return `${who} reaches its own prediction ${via}`;
    }
    return (
      `${chName(img, v.inChannel)} of pixel (${pi},${pj}) reaches the prediction of its ` +
      `${chName(img, v.outGroup)} ${via}`
    );
  }
  const src = G > 1 ? `${chName(img, v.inChannel)} of pixel (${qi},${qj})` : `pixel (${qi},${qj})`;
  const dst = G > 1 ? `${chName(img, v.outGroup)} of pixel (${pi},${pj})` : `pixel (${pi},${pj})`;
  return `${src} reaches the prediction of ${dst} ${via}`;
}
