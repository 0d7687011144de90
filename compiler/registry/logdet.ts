// The log-det term a flow layer contributes, instantiated for its input shape and arguments
// (H·W factors, D, K and α made explicit), in the direction the layer is used.
import { FLOWS, LOGDET_WRITTEN_FOR } from './flows.js';
import { couplingTransform, maskOf } from './coupling.js';
import { transformLogDetTerm } from '../math/elementwise.js';
import { autoregressiveTransform } from './transforms.js';
import { imageDims, numel } from './tensors.js';

/** 0.05 → "0.05", 0.000001 → "1e−6" */
const fmtNumber = (x: number): string =>
  x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential().replace('e-', 'e−') : String(x);

export type UseDirection = 'density' | 'sample';

/** the negated term: "Σ_i log σ_i" → "−Σ_i log σ_i"; a definition after ", " is kept as is */
function neg(s: string): string {
  if (s === '0') return s;
  const cut = s.indexOf(', ');
  const head = cut >= 0 ? s.slice(0, cut) : s;
  const tail = cut >= 0 ? s.slice(cut) : '';
  // sums and products at the top level (outside |…|, (…), […]) need parentheses
  const top = head
    .replace(/\|[^|]*\|/g, 'A')
    .replace(/\([^()]*\)/g, 'A')
    .replace(/\[[^\]]*\]/g, 'A');
  if (head.startsWith('−') && !/ [+−] /.test(top.slice(1))) return head.slice(1) + tail;
  const single = head.startsWith('Σ') || !/ [+−] /.test(top);
  return (single ? `−${head}` : `−(${head})`) + tail;
}

/**
 * The log|det J| term of `kind` on `inShape`, for the direction it is used in: 'density' (data → latent, flows)
 * or 'sample' (latent → data: VAE posterior flows, energy fits). Unknown kinds give ''.
 */
export function logDetText(
  kind: string,
  inShape: readonly number[],
  args: Record<string, unknown> = {},
  dir: UseDirection = 'density',
): string {
  const k = FLOWS.find((f) => f.name === kind);
  if (!k?.logDet) return '';
  const img = imageDims([...inShape]);
  const D = numel(inShape);
  const hw = img ? `${img.H}·${img.W}·` : '';
  let text: string;
  switch (kind) {
    case 'coupling': {
      if (args.type === 'additive') return '0';
      const m = maskOf(args.mask, args.maskKind);
      const n = m.values ? m.values.filter((v) => v === 0).length : undefined;
      const t = couplingTransform(args);
      const s =
        t.kind === 'logistic_mixture' || t.kind === 'spline'
          ? transformLogDetTerm(t.kind, t.settings)
          : args.scale === 'sigmoid'
            ? 'log σ(s_i(x_b))'
            : 's_i(x_b)';
      const terms = n !== undefined ? ` (${n} term${n === 1 ? '' : 's'})` : '';
      if (t.kind === 'affine') text = `Σ_{i∉b} ${s}${terms}`;
      else {
        const cut = s.indexOf(', ');
        text = cut < 0 ? `Σ_{i∉b} ${s}${terms}` : `Σ_{i∉b} [${s.slice(0, cut)}]${terms}${s.slice(cut)}`;
      }
      break;
    }
    case 'maf':
    case 'iaf': {
      // iaf's term is written for sampling, x_i = g_i(z_i): the spline's derivative at z_i
      const t = autoregressiveTransform(args.transform);
      if (t.kind !== 'spline') text = k.logDet;
      else {
        const term = transformLogDetTerm('spline', t);
        text = `Σ_i ${kind === 'iaf' ? term.replace('(x_i)', '(z_i)') : term}`;
      }
      break;
    }
    case 'actnorm':
      text = `${hw}Σ_c log|s_c|`;
      break;
    case 'invconv1x1':
      text = args.lu === false ? `${hw}log|det W|` : `${hw}Σ log|diag U|`;
      break;
    case 'dequantize': {
      const K = typeof args.K === 'number' ? String(args.K) : 'K';
      if (args.type === 'categorical') {
        text = `Σᵢ [log p(xᵢ|zᵢ) − log q(zᵢ|${args.context === true ? 'x' : 'xᵢ'})], ${D} elements`;
        break;
      }
      text = `−${D}·log ${K}${args.type === 'variational' ? ' − log q(u|x)' : ''}`;
      break;
    }
    case 'logit':
      text = `Σ [log(1−2α) − log p − log(1−p)], α = ${fmtNumber(typeof args.alpha === 'number' ? args.alpha : 0.05)}`;
      break;
    case 'split':
      return `0 (+ log p(z_out), ${D - Math.floor(D / 2)} dims)`;
    case 'radial':
      text = `(${D}−1)·log(1 + βh(α,r)) + log(1 + βh(α,r) + βh′(α,r)r)`;
      break;
    default:
      text = k.logDet;
  }
  const writtenFor = LOGDET_WRITTEN_FOR[kind] ?? 'density';
  return writtenFor === dir ? text : neg(text);
}
