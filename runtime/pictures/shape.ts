// How samples are drawn (samples.png, the playground's grid): no file or tfjs here.
import type { FlowIR } from '../../compiler/ir/types.js';

/**
 * The image shape to draw samples with: the data's [C, H, W], or a square [1, s, s] for discrete
 * vector data of s² ≥ 16 dimensions (binary[784] is drawn as 28×28); undefined otherwise.
 */
export function pictureShape(ir: FlowIR): number[] | undefined {
  if (ir.data.shape.length === 3) return ir.data.shape;
  const D = ir.data.shape.reduce((a, b) => a * b, 1);
  const s = Math.round(Math.sqrt(D));
  if (ir.data.shape.length === 1 && ir.data.domain.kind !== 'real' && s * s === D && s >= 4) return [1, s, s];
  return undefined;
}
