// Check = run: combinations the checker's other rules accept but the runtime has no implementation for
// are errors here (FC513), each with the reason and what to write instead, so that every spec
// `flowc check` accepts builds and trains (test/property/check-run.test.ts generates them from the registry).
import type { CheckedLayer, CheckedModel, ModelCheck } from '../check/model.js';
import * as P from '../diagnostics/codes-proofs.js';
import { num, onceReporter } from './util.js';
import { CONDITIONALS } from '../registry/conditionals.js';
import { CONTEXT_STEPS } from '../registry/posteriors.js';
import { FLOWS } from '../registry/flows.js';

function* deep(ls: readonly CheckedLayer[] | undefined): Generator<CheckedLayer> {
  for (const l of ls ?? []) {
    yield l;
    if (l.children) yield* deep(l.children);
  }
}

export const runnableCheck: ModelCheck = {
  name: 'runnable',
  run(model, ctx) {
    const report = onceReporter(ctx);
    if (model.family === 'vae') {
      for (const slot of ['encoder', 'decoder'] as const) {
        const net = model[slot];
        if (net && net.kind.name !== 'mlp') {
          report(P.NOT_RUNNABLE, net.node.callee.span, {
            what: `the VAE's ${slot} \`${net.kind.name}\``,
            why: `VAE ${slot}s are dense networks over the flattened ${slot === 'encoder' ? 'data' : 'latent'}`,
            fix: `write \`${slot} mlp(…)\``,
          });
        }
      }
    }
    // dequantize(variational) { … }: its flow maps the noise one to one; split would drop half of it
    for (const l of model.flow ?? []) {
      for (const c of deep(l.children)) {
        if (c.kind.name === 'split' || c.kind.name === 'squeeze') {
          report(P.NOT_RUNNABLE, c.node.callee.span, {
            what: `\`${c.kind.name}\` inside \`dequantize(variational)\``,
            why:
              "the dequantization flow must keep the noise in the data's shape " +
              '(q(u|x) is over every dimension of x)',
            fix: 'use bijective layers only inside the dequantization block',
          });
        }
      }
    }
    // flows used in the sample direction only (energy fits, VAE posteriors): split would need its factored-out half
    const sampledOnly =
      model.family === 'energy' ? model.flow : model.family === 'vae' ? model.posterior?.layers : undefined;
    for (const l of deep(sampledOnly)) {
      if (l.kind.name === 'split') {
        report(P.NOT_RUNNABLE, l.node.callee.span, {
          what: `\`split\` in ${model.family === 'energy' ? "an energy fit's flow" : 'a VAE posterior'}`,
          why: 'this flow is run latent → sample, where split needs the factored-out latent it never receives',
          fix: 'remove the split (multi-scale splits belong to density flows)',
        });
      }
    }
    for (const l of sampledOnly ?? []) {
      if (l.kind.name === 'dequantize') {
        report(P.NOT_RUNNABLE, l.node.callee.span, {
          what: `\`dequantize\` in ${model.family === 'energy' ? "an energy fit's flow" : 'a VAE posterior'}`,
          why: 'dequantization turns discrete data into a density on [x, x+1); this flow has no discrete data',
          fix: 'remove it (dequantize belongs first in a density flow on binary/discrete data)',
        });
      }
    }
    // logit needs its input in (0, 1): in a density flow only dequantization (and reshuffles) guarantee it
    if (model.family === 'flow') {
      const keeps = new Set(['dequantize', 'permute', 'squeeze']);
      (model.flow ?? []).forEach((l, i, ls) => {
        if (l.kind.name !== 'logit' || i === 0 || ls.slice(0, i).every((p) => keeps.has(p.kind.name))) return;
        const prev = ls.slice(0, i).find((p) => !keeps.has(p.kind.name))!;
        report(P.NOT_RUNNABLE, l.node.callee.span, {
          what: `\`logit\` after \`${prev.kind.name}\``,
          why: `logit needs its input in (0, 1), which \`${prev.kind.name}\` does not keep (log p(x) would be NaN)`,
          fix: 'put `logit` right after `dequantize`, before the layers that mix values',
        });
      });
    }
    conditionChecks(model, report);
    if (model.family === 'vae') amortizedChecks(model, report);
    const c = model.conditional;
    if (c?.kind.name === 'gated_pixelcnn' && num(c.args.kernel, 3) % 2 === 0) {
      report(P.NOT_RUNNABLE, c.node.callee.span, {
        what: `\`gated_pixelcnn(kernel: ${num(c.args.kernel, 3)})\``,
        why: 'the vertical and horizontal stacks are centred on the pixel, which needs an odd kernel',
        fix: `use kernel: ${num(c.args.kernel, 3) + 1} or ${num(c.args.kernel, 3) - 1}`,
      });
    }
  },
};

/**
 * `condition y: …` reaches the conditionals whose registry entry says how (`takesCondition`), coupling
 * conditioners, MAF/IAF layers and a VAE's encoder and decoder; an energy fit refuses it (its target density
 * is fixed: there is no conditional target u(x | y) to fit)
 */
function conditionChecks(model: CheckedModel, report: ReturnType<typeof onceReporter>): void {
  const y = model.condition;
  if (!y) return;
  const where = { ...y.span, end: Math.min(y.span.end, y.span.start + 'condition'.length) };
  const refuse = (what: string, fix: string, detail?: string) =>
    report(P.NOT_RUNNABLE, where, {
      what: `\`condition ${y.name}\``,
      fix,
      why: `${what} cannot take a condition in this version${detail ? `: ${detail}` : ''}`,
    });
  // a VAE takes it in its encoder q(z | x, y) and decoder p(x | z, y) (the prior p(z) stays unconditional)
  if (model.family === 'energy') {
    refuse(
      'an energy fit',
      'condition a flow (couplings, maf) or an autoregressive model instead',
      'its target u(x) is a fixed density, with no conditional target u(x | y) to fit',
    );
  } else if (model.family === 'autoregressive' && model.conditional && !model.conditional.kind.takesCondition) {
    const name = `\`${model.conditional.kind.name}\``;
    const takers = CONDITIONALS.filter((k) => k.takesCondition)
      .map((k) => `\`${k.name}\``)
      .join(', ');
    refuse(name, `use one of ${takers}, which take the condition as an input`);
  } else if (model.family === 'flow' && !(model.flow ?? []).some((l) => l.kind.takesCondition)) {
    const takers = FLOWS.filter((k) => k.takesCondition);
    refuse(
      `a flow without a ${takers.map((k) => k.name).join(' or ')} layer`,
      `add one: ${takers.map((k) => `\`${k.name}\` takes it ${k.takesCondition}`).join('; ')}`,
      'its layers take no context',
    );
  }
}

/**
 * `posterior flow(amortized: true)`: the encoder emits the parameters of planar and radial layers and a context h
 * for iaf, maf and coupling steps; any other layer with parameters keeps its own, shared by every example (FC514)
 */
function amortizedChecks(model: CheckedModel, report: ReturnType<typeof onceReporter>): void {
  const post = model.posterior;
  if (!post || post.args.amortized === false) return;
  for (const l of deep(post.layers)) {
    const name = l.kind.name;
    if (name === 'planar' || name === 'radial' || CONTEXT_STEPS.has(name) || !l.kind.params) continue;
    if (paramCount(l) > 0) report(P.NOT_AMORTIZED, l.node.callee.span, { kind: name });
  }
}

/** the layer's parameter count by its registry rule (0 when the rule cannot evaluate this layer's arguments) */
function paramCount(l: CheckedLayer): number {
  try {
    return (l.kind.params?.(l.inShape, l.args) ?? []).reduce((a, p) => a + p.shape.reduce((b, d) => b * d, 1), 0);
  } catch {
    return 0;
  }
}
