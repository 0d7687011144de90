// `condition y: categorical(K)` (one class label, fed to the networks as a one-hot vector of K) or
// `condition y: real[n]` (a real vector): the variable a conditional model p(x | y) is conditioned on.
// Which layers take it is checked by the proofs (compiler/proofs/runnable.ts).
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import type { VarDecl } from '../../grammar/ast.js';
import { CONDITION_TYPE } from '../diagnostics/codes-types.js';
import type { CheckedVar } from './model.js';
import type { Ctx } from './context.js';
import { checkVar } from './check-model.js';

export function checkCondition(v: VarDecl, _family: string, ctx: Ctx): (CheckedVar & { size: number }) | undefined {
  const t = v.type;
  const written = t.shape?.length ? '[…]' : '';
  const domain = t.domain?.text;
  if (domain === 'categorical' && !t.shape?.length) {
    // one label: check the domain through the ordinary path with a shape of one
    const one = checkVar({ ...v, type: { ...t, shape: [{ kind: 'number', value: 1, span: t.span } as never] } }, ctx);
    if (!one || one.domain.kind !== 'categorical') return undefined;
    return { ...one, size: one.domain.K };
  }
  if (domain === 'real' && t.shape?.length === 1) {
    const r = checkVar(v, ctx);
    return r ? { ...r, size: r.shape[0]! } : undefined;
  }
  ctx.report(makeDiagnostic(CONDITION_TYPE, t.span, { got: `\`${domain ?? '?'}${written}\`` }));
  return undefined;
}
