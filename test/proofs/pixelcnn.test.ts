import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  analyzeArStack,
  blindSpot,
  causal,
  describePixelViolation,
  type ArStack,
  type ConvSpec,
  type ImageSpec,
} from '../../compiler/proofs/pixelcnn.js';
import { mulberry32 } from '../../compiler/proofs/rng.js';

// ---------- oracle 1: an actual masked-conv forward pass with random weights, probed by perturbation ----------
type Img = Float64Array; // [ch][i][j]
function maskedConvStack(layers: ConvSpec[], img: ImageSpec, hiddenPerGroup: number, seed: number) {
  const rng = mulberry32(seed);
  const G = img.channels === 'sequential' && img.C > 1 ? img.C : 1;
  const { H, W } = img;
  // channel k of a hidden map belongs to group k % G; data channel c to group c (or 0)
  const shapes: {
    cin: number;
    cout: number;
    kh: number;
    kw: number;
    w: Float64Array;
    mask: Uint8Array;
    res: boolean;
  }[] = [];
  let cin = img.C;
  let ginOf = (k: number) => (G > 1 ? k : 0);
  for (const L of layers) {
    const [kh, kw] = typeof L.kernel === 'number' ? [L.kernel, L.kernel] : L.kernel;
    const cout = hiddenPerGroup * G;
    // weights scaled by 1/√fan-in: pre-activations stay O(1), so no tanh saturates and hides a dependency
    // (unscaled, a 3-layer stack once lost a field-edge path below the 1e-12 detection threshold)
    const scale = 1 / Math.sqrt(cin * kh * kw);
    const w = new Float64Array(cout * cin * kh * kw).map(() => (rng() * 2 - 1) * scale);
    const mask = new Uint8Array(cout * cin * kh * kw);
    const cy = Math.floor((kh - 1) / 2),
      cx = Math.floor((kw - 1) / 2);
    for (let o = 0; o < cout; o++)
      for (let c = 0; c < cin; c++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) {
            let keep: boolean;
            if (L.mask === 'none') keep = true;
            else if (y < cy || (y === cy && x < cx)) keep = true;
            else if (y === cy && x === cx) keep = L.mask === 'A' ? ginOf(c) < o % G : ginOf(c) <= o % G;
            else keep = false;
            mask[((o * cin + c) * kh + y) * kw + x] = keep ? 1 : 0;
          }
    shapes.push({ cin, cout, kh, kw, w, mask, res: !!L.residual && cin === cout });
    cin = cout;
    ginOf = (k) => k % G;
  }
  return (x: Img): Img => {
    let cur = x;
    for (const s of shapes) {
      const out = new Float64Array(s.cout * H * W);
      const cy = Math.floor((s.kh - 1) / 2),
        cx = Math.floor((s.kw - 1) / 2);
      for (let o = 0; o < s.cout; o++)
        for (let i = 0; i < H; i++)
          for (let j = 0; j < W; j++) {
            let acc = 0;
            for (let c = 0; c < s.cin; c++)
              for (let y = 0; y < s.kh; y++)
                for (let xx = 0; xx < s.kw; xx++) {
                  const idx = ((o * s.cin + c) * s.kh + y) * s.kw + xx;
                  if (!s.mask[idx]) continue;
                  const ii = i + y - cy,
                    jj = j + xx - cx;
                  if (ii < 0 || ii >= H || jj < 0 || jj >= W) continue;
                  acc += s.w[idx]! * cur[(c * H + ii) * W + jj]!;
                }
            out[(o * H + i) * W + j] = Math.tanh(acc) + (s.res ? cur[(o * H + i) * W + j]! : 0);
          }
      cur = out;
    }
    return cur;
  };
}

/** the data elements (dy, dx, c) whose perturbation changes any output channel of group g at pixel (pi, pj) */
function perturbationField(
  layers: ConvSpec[],
  img: ImageSpec,
  pi: number,
  pj: number,
  g: number,
  seed: number,
): Set<string> {
  const f = maskedConvStack(layers, img, 2, seed);
  const { C, H, W } = img;
  const G = img.channels === 'sequential' && C > 1 ? C : 1;
  const rng = mulberry32(seed + 1);
  const x = new Float64Array(C * H * W).map(() => rng());
  const base = f(x);
  const cout = base.length / (H * W);
  const seen = new Set<string>();
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const x2 = x.slice();
        x2[(c * H + i) * W + j]! += 0.5;
        const y = f(x2);
        for (let o = 0; o < cout; o++) {
          if (o % G !== g) continue;
          const k = (o * H + pi) * W + pj;
          if (Math.abs(y[k]! - base[k]!) > 1e-12) {
            seen.add(`${i - pi},${j - pj},${c}`);
            break;
          }
        }
      }
  return seen;
}

const fieldSet = (p: ReturnType<typeof analyzeArStack>, g: number) =>
  new Set([...p.field[g]!.entries()].map(([a, b, c]) => `${a},${b},${c}`));

describe('PixelCNN receptive fields against a perturbed forward pass', () => {
  const cases: { name: string; layers: ConvSpec[]; C: number; channels: 'sequential' | 'joint' }[] = [
    {
      name: 'A3,B3 grey',
      layers: [
        { mask: 'A', kernel: 3 },
        { mask: 'B', kernel: 3 },
      ],
      C: 1,
      channels: 'sequential',
    },
    {
      name: 'A5,B3,B1 rgb',
      layers: [
        { mask: 'A', kernel: 5 },
        { mask: 'B', kernel: 3 },
        { mask: 'B', kernel: 1 },
      ],
      C: 3,
      channels: 'sequential',
    },
    {
      name: 'A3,B3 residual,B[1,3] rgb joint',
      layers: [
        { mask: 'A', kernel: 3 },
        { mask: 'B', kernel: 3, residual: true },
        { mask: 'B', kernel: [1, 3] },
      ],
      C: 3,
      channels: 'joint',
    },
    {
      name: 'B3 first (leaky) rgb',
      layers: [
        { mask: 'B', kernel: 3 },
        { mask: 'B', kernel: 3 },
      ],
      C: 3,
      channels: 'sequential',
    },
    {
      name: 'unmasked 3x3 in the middle',
      layers: [
        { mask: 'A', kernel: 3 },
        { mask: 'none', kernel: 3 },
      ],
      C: 1,
      channels: 'sequential',
    },
    {
      name: 'A then A rgb',
      layers: [
        { mask: 'A', kernel: 3 },
        { mask: 'A', kernel: 3 },
      ],
      C: 3,
      channels: 'sequential',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const H = 9,
        W = 9; // reach ≤ 4 in every direction: the centre pixel sees no border
      const img: ImageSpec = { C: tc.C, H, W, channels: tc.channels };
      const proof = analyzeArStack({ kind: 'pixelcnn', layers: tc.layers }, img);
      for (let g = 0; g < proof.groups; g++) {
        const brute = perturbationField(tc.layers, img, 4, 4, g, 11 + g);
        expect(fieldSet(proof, g)).toEqual(brute);
        const bruteCausal = [...brute].every((k) => {
          const [a, b, c] = k.split(',').map(Number);
          return causal(img, a!, b!, c!, g);
        });
        if (!bruteCausal) expect(proof.ok).toBe(false);
      }
      const allCausal = Array.from({ length: proof.groups }, (_, g) =>
        [...fieldSet(proof, g)].every((k) => {
          const [a, b, c] = k.split(',').map(Number);
          return causal(img, a!, b!, c!, g);
        }),
      ).every(Boolean);
      expect(proof.ok).toBe(allCausal);
    });
  }
});

describe('random masked-conv stacks against the perturbed forward pass', () => {
  it('field = perturbation dependencies at the centre pixel, and the verdict matches', () => {
    const layer = fc.record({
      mask: fc.constantFrom('A' as const, 'B' as const, 'none' as const),
      kernel: fc.constantFrom(1, 3, 5),
      residual: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(layer, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(1, 3),
        fc.constantFrom('sequential' as const, 'joint' as const),
        fc.nat(1000),
        (layers, C, channels, seed) => {
          const R = layers.reduce((r, l) => r + (l.kernel - 1) / 2, 0);
          const n = 2 * R + 1; // the centre pixel's paths stay inside the image
          const img: ImageSpec = { C, H: n, W: n, channels };
          const proof = analyzeArStack({ kind: 'pixelcnn', layers }, img);
          let allCausal = true;
          for (let g = 0; g < proof.groups; g++) {
            const brute = perturbationField(layers, img, R, R, g, seed + g);
            const fs = fieldSet(proof, g);
            if (fs.size !== brute.size || [...brute].some((k) => !fs.has(k))) return false;
            for (const k of brute) {
              const [a, b, c] = k.split(',').map(Number);
              if (!causal(img, a!, b!, c!, g)) allCausal = false;
            }
          }
          return proof.ok === allCausal;
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('PixelCNN causality verdicts and witnesses', () => {
  const grey: ImageSpec = { C: 1, H: 28, W: 28, channels: 'sequential' };
  it('mask B in the first layer: the pixel reaches its own prediction through layer 1', () => {
    const p = analyzeArStack(
      {
        kind: 'pixelcnn',
        layers: [
          { mask: 'B', kernel: 7 },
          { mask: 'B', kernel: 3 },
        ],
      },
      grey,
    );
    expect(p.ok).toBe(false);
    expect(p.violation!.layer).toBe(1);
    expect(describePixelViolation(p.violation!, grey)).toBe(
      'pixel (14,14) reaches its own prediction through layer 1 (mask B)',
    );
  });
  it('an unmasked 3×3 conv leaks the next pixel, attributed to that layer', () => {
    const p = analyzeArStack(
      {
        kind: 'pixelcnn',
        layers: [
          { mask: 'A', kernel: 3 },
          { mask: 'B', kernel: 3 },
          { mask: 'none', kernel: 3 },
        ],
      },
      grey,
    );
    expect(p.ok).toBe(false);
    expect(p.violation!.layer).toBe(3);
    expect(p.violation!.label).toBe('layer 3 (mask none)');
  });
  it('RGB: mask B first lets R see itself; A stacks are causal', () => {
    const rgb: ImageSpec = { C: 3, H: 8, W: 8, channels: 'sequential' };
    const bad = analyzeArStack({ kind: 'pixelcnn', layers: [{ mask: 'B', kernel: 3 }] }, rgb);
    expect(bad.ok).toBe(false);
    expect(describePixelViolation(bad.violation!, rgb)).toBe(
      'R of pixel (4,4) reaches its own prediction through layer 1 (mask B)',
    );
    expect(
      analyzeArStack(
        {
          kind: 'pixelcnn',
          layers: [
            { mask: 'A', kernel: 3 },
            { mask: 'B', kernel: 3 },
          ],
        },
        rgb,
      ).ok,
    ).toBe(true);
    // with joint channels, B after A would still be causal but B first is not
    const joint: ImageSpec = { ...rgb, channels: 'joint' };
    expect(analyzeArStack({ kind: 'pixelcnn', layers: [{ mask: 'B', kernel: 1 }] }, joint).ok).toBe(false);
  });
  it('blind spot of plain 3×3 stacks (hand-derived: 1 pixel after A,B; 3 after A,B,B)', () => {
    const two = analyzeArStack(
      {
        kind: 'pixelcnn',
        layers: [
          { mask: 'A', kernel: 3 },
          { mask: 'B', kernel: 3 },
        ],
      },
      grey,
    );
    expect(two.blindSpot).toEqual({ size: 1, context: 12, box: { dyMin: -2, dxMin: -2, dxMax: 2 } });
    const three = analyzeArStack(
      {
        kind: 'pixelcnn',
        layers: [
          { mask: 'A', kernel: 3 },
          { mask: 'B', kernel: 3 },
          { mask: 'B', kernel: 3 },
        ],
      },
      grey,
    );
    expect(three.blindSpot!.size).toBe(3);
    expect(three.blindSpot!.context).toBe(24);
  });
  it('the blind spot grows with depth (the van den Oord 2016b figure)', () => {
    const sizes = [2, 4, 8].map(
      (n) =>
        analyzeArStack(
          {
            kind: 'pixelcnn',
            layers: [
              { mask: 'A', kernel: 3 },
              ...Array.from({ length: n - 1 }, () => ({ mask: 'B' as const, kernel: 3 })),
            ],
          },
          grey,
        ).blindSpot!.size,
    );
    expect(sizes[0]! < sizes[1]! && sizes[1]! < sizes[2]!).toBe(true);
    // n layers of 3×3: the missing upper-right triangle has n(n-1)/2 pixels
    expect(sizes).toEqual([1, 6, 28]);
  });
});

// ---------- oracle 2: exact boolean propagation over the nodes of an actual H×W image ----------
type NodeSets = Set<number>[][]; // [group][pixel] → data element ids c*H*W + i*W + j
function exactNodes(stack: ArStack, img: ImageSpec): NodeSets {
  const { C, H, W } = img;
  const G = img.channels === 'sequential' && C > 1 ? C : 1;
  const P = H * W;
  const inb = (i: number, j: number) => i >= 0 && i < H && j >= 0 && j < W;
  const blank = (): NodeSets => Array.from({ length: G }, () => Array.from({ length: P }, () => new Set<number>()));
  const data: { sets: Set<number>[][]; grp: (e: number) => number } = {
    sets: Array.from({ length: C }, (_, c) => Array.from({ length: P }, (_, p) => new Set([c * P + p]))),
    grp: (e) => (G > 1 ? e : 0),
  };
  const allowed = (mask: 'A' | 'B' | 'any', dy: number, dx: number, gi: number, go: number) =>
    mask === 'any' || dy < 0 || (dy === 0 && dx < 0) || (dy === 0 && dx === 0 && (mask === 'A' ? gi < go : gi <= go));
  const pull = (
    dst: NodeSets,
    src: Set<number>[][],
    grp: (e: number) => number,
    offs: [number, number][],
    mask: 'A' | 'B' | 'any',
  ) => {
    let changed = false;
    for (let g = 0; g < G; g++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (const [dy, dx] of offs) {
            if (!inb(i + dy, j + dx)) continue;
            src.forEach((s, e) => {
              if (!allowed(mask, dy, dx, grp(e), g)) return;
              for (const v of s[(i + dy) * W + j + dx]!)
                if (!dst[g]![i * W + j]!.has(v)) {
                  dst[g]![i * W + j]!.add(v);
                  changed = true;
                }
            });
          }
    return changed;
  };
  const id = (e: number) => e;
  const rows = (a: number, b: number, dxs: number[]) => {
    const o: [number, number][] = [];
    for (let y = a; y <= b; y++) for (const x of dxs) o.push([y, x]);
    return o;
  };
  const union = (a: NodeSets, b: NodeSets) =>
    a.forEach((gs, g) => gs.forEach((s, p) => b[g]![p]!.forEach((v) => s.add(v))));
  let cur: Set<number>[][] = data.sets;
  let grp = data.grp;
  if (stack.kind === 'gated_pixelcnn') {
    const r = (stack.kernel - 1) / 2;
    const span = Array.from({ length: 2 * r + 1 }, (_, k) => k - r);
    let v: Set<number>[][] = data.sets,
      h: Set<number>[][] = data.sets;
    for (let l = 1; l <= stack.layers; l++) {
      const nv = blank();
      pull(nv, v, grp, rows(-r, 0, span), 'any');
      const nh = blank();
      pull(
        nh,
        h,
        grp,
        rows(
          0,
          0,
          span.filter((x) => x <= 0),
        ),
        l === 1 ? 'A' : 'B',
      );
      pull(nh, nv, id, [[-1, 0]], 'any');
      if (l > 1) union(nh, h as NodeSets);
      v = nv;
      h = nh;
      grp = id;
    }
    return h as NodeSets;
  }
  const first = blank();
  pull(first, cur, grp, rows(-3, 3, [-3, -2, -1, 0, 1, 2, 3]), 'A');
  cur = first;
  grp = id;
  for (let l = 1; l <= (stack.layers as number); l++) {
    const mask = 'B';
    let out: NodeSets;
    if (stack.kind === 'row_lstm') {
      const r = ((stack.kernel ?? 3) - 1) / 2;
      out = blank();
      pull(
        out,
        cur,
        grp,
        rows(
          0,
          0,
          Array.from({ length: 2 * r + 1 }, (_, k) => k - r),
        ),
        mask,
      );
      while (pull(out, out, id, rows(-1, -1, [-1, 0, 1]), 'any')) {
        /* fixpoint */
      }
    } else if (stack.kind === 'diagonal_bilstm') {
      const s = blank();
      pull(s, cur, grp, [[0, 0]], mask);
      const left = blank();
      union(left, s);
      while (
        pull(
          left,
          left,
          id,
          [
            [-1, 0],
            [0, -1],
          ],
          'any',
        )
      ) {
        /* */
      }
      const right = blank();
      union(right, s);
      while (
        pull(
          right,
          right,
          id,
          [
            [-1, 0],
            [0, 1],
          ],
          'any',
        )
      ) {
        /* */
      }
      out = left;
      for (let g = 0; g < G; g++)
        for (let i = 1; i < H; i++)
          for (let j = 0; j < W; j++) right[g]![(i - 1) * W + j]!.forEach((v) => out[g]![i * W + j]!.add(v));
    } else throw new Error('pixelcnn handled by perturbation');
    union(out, cur as NodeSets);
    cur = out;
    grp = id;
  }
  return cur as NodeSets;
}

describe('Gated PixelCNN, Row LSTM, Diagonal BiLSTM against exact propagation on the image', () => {
  const stacks: { name: string; stack: ArStack; C: number }[] = [
    { name: 'gated k3 ×3', stack: { kind: 'gated_pixelcnn', layers: 3, kernel: 3 }, C: 1 },
    { name: 'gated k5 ×2 rgb', stack: { kind: 'gated_pixelcnn', layers: 2, kernel: 5 }, C: 3 },
    { name: 'row LSTM ×2', stack: { kind: 'row_lstm', layers: 2, kernel: 3 }, C: 1 },
    { name: 'row LSTM ×1 rgb', stack: { kind: 'row_lstm', layers: 1, kernel: 3 }, C: 3 },
    { name: 'diagonal BiLSTM ×2', stack: { kind: 'diagonal_bilstm', layers: 2 }, C: 1 },
    { name: 'diagonal BiLSTM ×1 rgb', stack: { kind: 'diagonal_bilstm', layers: 1 }, C: 3 },
  ];
  for (const { name, stack, C } of stacks) {
    it(name, () => {
      // wide enough that the bottom-centre pixel's triangle/quadrants never touch the side borders
      const img: ImageSpec =
        C === 3 ? { C, H: 6, W: 25, channels: 'sequential' } : { C, H: 8, W: 31, channels: 'sequential' };
      const jc = (img.W - 1) / 2;
      const proof = analyzeArStack(stack, img);
      const exact = exactNodes(stack, img);
      const P = img.H * img.W;
      const fsets = Array.from({ length: proof.groups }, (_, g) => fieldSet(proof, g));
      for (let g = 0; g < proof.groups; g++)
        for (let i = 0; i < img.H; i++)
          for (let j = 0; j < img.W; j++) {
            const ex = new Set(
              [...exact[g]![i * img.W + j]!].map((e) => {
                const c = Math.floor(e / P),
                  q = e % P;
                return `${Math.floor(q / img.W) - i},${(q % img.W) - j},${c}`;
              }),
            );
            const fs = fsets[g]!;
            // sound at every pixel: everything the image really connects is in the field
            for (const k of ex) expect(fs.has(k)).toBe(true);
            // exact at the bottom-centre pixel, for context elements at least 3 columns (the first conv's
            // radius) from the side borders: the paths that reach them exist in the image too
            if (i === img.H - 1 && j === jc && stack.kind !== 'gated_pixelcnn') {
              const inner = (k: string) => {
                const [a, b] = k.split(',').map(Number);
                return i + a! >= 0 && j + b! >= 3 && j + b! < img.W - 3;
              };
              expect(new Set([...ex].filter(inner))).toEqual(new Set([...fs].filter(inner)));
            }
            if (i === img.H - 1 && j === jc && stack.kind === 'gated_pixelcnn') expect(ex).toEqual(fs);
          }
      expect(proof.ok).toBe(true);
    });
  }
  it('gated PixelCNN has no blind spot; Row LSTM has the triangular one; Diagonal BiLSTM sees all context', () => {
    const img: ImageSpec = { C: 1, H: 16, W: 16, channels: 'sequential' };
    expect(analyzeArStack({ kind: 'gated_pixelcnn', layers: 15, kernel: 3 }, img).blindSpot!.size).toBe(0);
    expect(analyzeArStack({ kind: 'gated_pixelcnn', layers: 4, kernel: 5 }, img).blindSpot!.size).toBe(0);
    const row = analyzeArStack({ kind: 'row_lstm', layers: 1, kernel: 3 }, img);
    expect(row.blindSpot!.context).toBe(15 * 31 + 15);
    // 7×7 mask-A conv F, then one row LSTM (k = 3, mask B, residual). F sees rows −3..−1 at dx −3..3 and
    // row 0 at dx −3..−1; the state sees F's row −t at dx −t−1..t. Composed: row 0 is seen at dx −4..−1,
    // row −u (u ≥ 1) at dx −u−4..u+2; the box, clipped to the 16×16 window, is dy −15..0, dx −15..15.
    let expected = 11;
    for (let u = 1; u <= 15; u++) expected += 31 - (Math.min(15, u + 2) - Math.max(-15, -u - 4) + 1);
    expect(row.blindSpot!.size).toBe(expected);
    const diag = analyzeArStack({ kind: 'diagonal_bilstm', layers: 1 }, img);
    expect(diag.blindSpot!.size).toBe(0);
    expect(diag.blindSpot!.context).toBe(15 * 31 + 15);
    expect(blindSpot(diag.field[0]!).size).toBe(0);
  });
});
