// A readable dump of the checked model (the `--dump-checked` phase): family, variables, order,
// slots with their resolved arguments, and every flow layer with shapes, masks and origin.
import type { CheckedCall, CheckedLayer, CheckedModel } from './model.js';

const MAX_ITEMS = 16;

const list = (xs: readonly unknown[]): string =>
  xs.length > MAX_ITEMS ? `[${xs.slice(0, MAX_ITEMS).join(', ')}, … (${xs.length})]` : `[${xs.join(', ')}]`;

/** a mask as a 0/1 string, e.g. 1010 (shortened past 64 entries) */
const maskText = (m: readonly number[]): string =>
  m.length > 64 ? `${m.slice(0, 64).join('')}… (${m.length})` : m.join('');

function value(v: unknown): string {
  if (Array.isArray(v)) return list(v.map(value));
  if (v && typeof v === 'object' && 'kind' in v && typeof (v as CheckedCall).kind === 'object')
    return call(v as CheckedCall);
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${value(x)}`)
      .join(', ')}}`;
  return typeof v === 'string' ? v : String(v);
}

function call(c: CheckedCall): string {
  const args = Object.entries(c.args).filter(([k]) => !k.endsWith('Kind') && k !== 'mask');
  const inner = args.map(([k, v]) => `${k}: ${value(v)}`).join(', ');
  return args.length ? `${c.kind.name}(${inner})` : c.kind.name;
}

function layer(l: CheckedLayer, indent: string): string[] {
  const shape = l.inShape.length ? `[${l.inShape.join(', ')}] → [${l.outShape.join(', ')}]` : '(shape unknown)';
  const mask = l.mask ? `  mask ${maskText(l.mask)}` : '';
  const origin = l.origin.length ? `  (${l.origin.join(' / ')})` : '';
  const out = [`${indent}${l.id}  ${call(l)}  ${shape}${mask}${origin}`];
  for (const c of l.children ?? []) out.push(...layer(c, indent + '  '));
  return out;
}

export function printCheckedModel(m: CheckedModel): string {
  const out: string[] = [`model ${m.name} (${m.family})`];
  if (m.data)
    out.push(
      `  data ${m.data.name}: ${m.data.domain.kind}` +
        `${'K' in m.data.domain ? `(${m.data.domain.K})` : ''}[${m.data.shape.join(', ')}]`,
    );
  if (m.latent) out.push(`  latent ${m.latent.name}: ${m.latent.domain.kind}[${m.latent.shape.join(', ')}]`);
  if (m.order)
    out.push(
      `  order ${list(m.order.values)}${m.order.raster ? ` (raster, channels ${m.order.raster.channels})` : ''}`,
    );
  for (const slot of ['prior', 'likelihood', 'conditional', 'encoder', 'decoder', 'target'] as const) {
    const c = m[slot];
    if (!c) continue;
    out.push(`  ${slot} ${call(c)}`);
    for (const b of c.body ?? []) out.push(`    ${call(b)}`);
  }
  if (m.flow) {
    out.push(`  flow (${m.flow.length} layers)`);
    for (const l of m.flow) out.push(...layer(l, '    '));
  }
  if (m.posterior) {
    out.push(`  posterior ${value(m.posterior.args)} (${m.posterior.layers.length} layers)`);
    for (const l of m.posterior.layers) out.push(...layer(l, '    '));
  }
  const train = Object.entries(m.train);
  if (train.length) out.push(`  train ${train.map(([k, v]) => `${k}: ${value(v)}`).join(', ')}`);
  return out.join('\n') + '\n';
}
