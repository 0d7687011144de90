// The PixelCNN++ network (Salimans, Karpathy, Chen & Kingma 2017) as a plan: a list of nodes that
// the runtime (runtime/ar/pixelcnnpp.ts) executes and the compiler's proof
// (compiler/proofs/pixelcnnpp.ts) propagates receptive fields through, so both read one network.
// The layout follows the released code (github.com/openai/pixel-cnn, pixel_cnn_pp/model.py):
// an up pass of `scales` resolutions (stride-2 convs between them) and a down pass back (stride-2
// transposed convs), two streams — u (rows above: down-shifted 2×3 convs) and ul (above and to the
// left: down-right-shifted 2×2 convs) — gated ResNet blocks with concat-ELU, and shortcut
// connections from every up-pass output to the matching down-pass block. Pure TypeScript.

export type Geometry = 'down' | 'downright';

/** a conv window: kh×kw, padded kh−1 rows on top and (down) centred or (downright) left-aligned */
export interface ConvGeom {
  geom: Geometry;
  kh: number;
  kw: number;
}

export type PlanNode =
  /** the data (scaled to [−1, 1]) and a channel of ones, as in the released code */
  | { op: 'input'; label: string }
  /** conv with stride 1 or 2; then optionally shifted down or right by one (zero row/column in) */
  | { op: 'conv'; label: string; g: ConvGeom; stride: 1 | 2; src: number; shift?: 'down' | 'right' }
  /** stride-2 transposed conv, cropped to the size of node `like` */
  | { op: 'deconv'; label: string; g: ConvGeom; src: number; like: number }
  | { op: 'add'; label: string; a: number; b: number }
  /** x + gate(conv(concat_elu(conv(concat_elu(x)) + nin(concat_elu(concat(aux)))))) */
  | { op: 'gated'; label: string; g: ConvGeom; x: number; aux: number[] }
  /** nin(elu(src)) to the likelihood parameters of each pixel */
  | { op: 'out'; label: string; src: number };

export interface PixelCnnPPArgs {
  filters: number;
  resnets: number;
  scales: number;
}

export const DOWN: ConvGeom = { geom: 'down', kh: 2, kw: 3 };
export const DOWNRIGHT: ConvGeom = { geom: 'downright', kh: 2, kw: 2 };

/** padding (top, left, right) of a conv window; bottom is always 0 */
export function convPad(g: ConvGeom): { top: number; left: number; right: number } {
  if (g.geom === 'down') {
    const side = Math.floor((g.kw - 1) / 2);
    return { top: g.kh - 1, left: side, right: side };
  }
  return { top: g.kh - 1, left: g.kw - 1, right: 0 };
}

/** output size of a conv over h×w */
export function convOut(g: ConvGeom, stride: number, h: number, w: number): [number, number] {
  const p = convPad(g);
  return [Math.floor((h + p.top - g.kh) / stride) + 1, Math.floor((w + p.left + p.right - g.kw) / stride) + 1];
}

/** columns the released code crops from the left of a transposed conv's output */
export const deconvCropLeft = (g: ConvGeom): number => (g.geom === 'down' ? Math.floor((g.kw - 1) / 2) : 0);

/** the plan of the network; node 0 is the input, the last node the output */
export function pixelcnnppPlan(a: PixelCnnPPArgs): PlanNode[] {
  const nodes: PlanNode[] = [{ op: 'input', label: 'the input' }];
  const push = (n: PlanNode): number => nodes.push(n) - 1;
  const uList: number[] = [];
  const ulList: number[] = [];
  const first = (label: string, g: ConvGeom, shift: 'down' | 'right'): number =>
    push({ op: 'conv', label: `the first ${label}`, g, stride: 1, src: 0, shift });
  uList.push(first('u conv (2×3, shifted down)', DOWN, 'down'));
  const ulA = first('ul conv (1×3, shifted down)', { geom: 'down', kh: 1, kw: 3 }, 'down');
  const ulB = first('ul conv (2×1, shifted right)', { geom: 'downright', kh: 2, kw: 1 }, 'right');
  ulList.push(push({ op: 'add', label: 'the first ul sum', a: ulA, b: ulB }));
  const S = Math.max(1, a.scales);
  for (let s = 0; s < S; s++) {
    if (s > 0) {
      const down = (stream: string, g: ConvGeom, src: number): number =>
        push({ op: 'conv', label: `up pass, ${stream} stream, stride-2 conv to scale ${s}`, g, stride: 2, src });
      uList.push(down('u', DOWN, uList.at(-1)!));
      ulList.push(down('ul', DOWNRIGHT, ulList.at(-1)!));
    }
    for (let r = 0; r < a.resnets; r++) {
      const at = `up pass, scale ${s}, block ${r + 1}`;
      uList.push(push({ op: 'gated', label: `${at} (u stream)`, g: DOWN, x: uList.at(-1)!, aux: [] }));
      const aux = [uList.at(-1)!];
      ulList.push(push({ op: 'gated', label: `${at} (ul stream)`, g: DOWNRIGHT, x: ulList.at(-1)!, aux }));
    }
  }
  let u = uList.pop()!;
  let ul = ulList.pop()!;
  for (let s = S - 1; s >= 0; s--) {
    if (s < S - 1) {
      const up = (stream: string, g: ConvGeom, src: number, like: number): number => {
        const label = `down pass, ${stream} stream, stride-2 transposed conv to scale ${s}`;
        return push({ op: 'deconv', label, g, src, like });
      };
      u = up('u', DOWN, u, uList.at(-1)!);
      ul = up('ul', DOWNRIGHT, ul, ulList.at(-1)!);
    }
    const reps = s === S - 1 ? a.resnets : a.resnets + 1;
    for (let r = 0; r < reps; r++) {
      const at = `down pass, scale ${s}, block ${r + 1}`;
      u = push({ op: 'gated', label: `${at} (u stream)`, g: DOWN, x: u, aux: [uList.pop()!] });
      ul = push({ op: 'gated', label: `${at} (ul stream)`, g: DOWNRIGHT, x: ul, aux: [u, ulList.pop()!] });
    }
  }
  push({ op: 'out', label: 'the output layer', src: ul });
  return nodes;
}

/** the likelihood parameters of one pixel: the released code's 10·k for RGB (logit, μ, log s, coefficients) */
export function pixelParamCount(
  lik: { kind: string; k?: number; K?: number; learnedStd?: boolean },
  C: number,
): number {
  switch (lik.kind) {
    case 'logistic_mixture':
      return (lik.k ?? 10) * (1 + 2 * C + (C * (C - 1)) / 2);
    case 'categorical':
      return C * (lik.K ?? 256);
    case 'gaussian':
      return C * (lik.learnedStd ? 2 : 1);
    default:
      return C;
  }
}

/** parameter tensors of the plan: [name, shape] (conv filters [kh, kw, cin, cout], biases [cout]) */
export function planParamShapes(plan: PlanNode[], C: number, F: number, P: number, context = 0): [string, number[]][] {
  const out: [string, number[]][] = [];
  const conv = (name: string, kh: number, kw: number, cin: number, cout: number) => {
    out.push([`${name}/W`, [kh, kw, cin, cout]], [`${name}/b`, [cout]]);
  };
  plan.forEach((n, i) => {
    if (n.op === 'conv') conv(`n${i}`, n.g.kh, n.g.kw, n.src === 0 ? C + 1 : F, F);
    else if (n.op === 'deconv') conv(`n${i}`, n.g.kh, n.g.kw, F, F);
    else if (n.op === 'gated') {
      conv(`n${i}/c1`, n.g.kh, n.g.kw, 2 * F, F);
      if (n.aux.length) conv(`n${i}/nin`, 1, 1, 2 * F * n.aux.length, F);
      conv(`n${i}/c2`, n.g.kh, n.g.kw, 2 * F, 2 * F);
      // p(x|y): the class-conditional projection added to c2 (pixel_cnn_pp/nn.py gated_resnet's `hw`)
      if (context > 0) out.push([`n${i}/context`, [context, 2 * F]]);
    } else if (n.op === 'out') conv(`n${i}`, 1, 1, F, P);
  });
  return out;
}
