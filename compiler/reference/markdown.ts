// The language reference, generated from the registry: docs/LANGUAGE.md is this text (test/docs
// checks it is up to date; `flowc help language > docs/LANGUAGE.md` regenerates it), and
// `flowc help NAME` prints the section of one declaration or kind. No tfjs here.
import { REGISTRY, kindsOf } from '../registry/index.js';
import type { ArgSpec, ArgType, Category, LayerKind } from '../registry/types.js';
import { DATA_FILE_RULES } from '../registry/data-rules.js';
import { DECLARATIONS, EXAMPLES, type Declaration } from './examples.js';

/** the categories in reference order, with their section titles */
const SECTIONS: readonly { category: Category; title: string; intro: string }[] = [
  { category: 'domain', title: 'Data domains', intro: 'The domain of `data` and `latent`, written `DOMAIN[SHAPE]`.' },
  {
    category: 'flow',
    title: 'Flow layers',
    intro: 'Layers of a `flow { }` block (and of a flow posterior), written in the density direction data → latent.',
  },
  {
    category: 'net',
    title: 'Conditioner nets',
    intro: 'The `net:` of a coupling layer, and VAE encoders and decoders.',
  },
  { category: 'conditional', title: 'Autoregressive conditionals', intro: 'The value of `conditional`.' },
  { category: 'ar-layer', title: 'Layers of a conditional block', intro: 'Inside `pixelcnn { }`.' },
  { category: 'likelihood', title: 'Likelihoods', intro: 'The value of `likelihood`.' },
  { category: 'prior', title: 'Priors', intro: 'The value of `prior`; also the `component` of a mixture.' },
  { category: 'order', title: 'Orders', intro: 'The value of `order` (or a literal permutation `[2, 0, 3, 1]`).' },
  {
    category: 'mask',
    title: 'Masks',
    intro: 'Coupling masks: 1 passes through and conditions the rest, 0 is transformed; `!m` is the complement.',
  },
  { category: 'connectivity', title: 'MADE connectivity', intro: "How MADE chooses its hidden units' degrees." },
  { category: 'transform', title: 'Autoregressive transforms', intro: 'The `transform:` of a `maf` or `iaf` layer.' },
  { category: 'posterior', title: 'Posteriors', intro: 'The value of `posterior` in a VAE.' },
  {
    category: 'target',
    title: 'Targets',
    intro: 'The value of `target`: an unnormalized density fitted by reverse KL.',
  },
  {
    category: 'train',
    title: 'The train block',
    intro: 'The entries of `train { }`; `flowc train` flags override them.',
  },
  { category: 'dataset', title: 'Data sources', intro: 'The value of `data:` and `test:` in a `train { }` block.' },
  { category: 'optimizer', title: 'Optimizers', intro: 'The value of `optimizer:` in a `train { }` block.' },
];

/** names of more than one kind (or of a kind and a declaration) get their category in the heading (`made (net)`) */
const shared = (() => {
  const count = new Map<string, number>(DECLARATIONS.map((d) => [d.name, 1]));
  for (const k of REGISTRY) count.set(k.name, (count.get(k.name) ?? 0) + 1);
  return new Set([...count].filter(([, n]) => n > 1).map(([name]) => name));
})();

const headingOf = (k: LayerKind): string =>
  k.category === 'train' ? `${k.name} entries` : shared.has(k.name) ? `${k.name} (${k.category})` : k.name;
/** the anchor GitHub (and most Markdown viewers) give a heading */
export const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
/** where a kind is documented, as a hint can say it: `docs/LANGUAGE.md#coupling` */
export const docLink = (k: LayerKind): string => `docs/LANGUAGE.md#${slug(headingOf(k))}`;

const num = (n: number): string =>
  (Number.isInteger(n) && Math.abs(n) < 1e12) || (Math.abs(n) < 1e4 && Math.abs(n) >= 1e-3) || n === 0
    ? String(n)
    : n.toExponential();

function typeText(t: ArgType): string {
  switch (t.kind) {
    case 'int':
    case 'number':
      return t.kind === 'int' ? 'integer' : 'number';
    case 'bool':
      return 'true | false';
    case 'string':
      return 'string';
    case 'enum':
      return t.values.join(' \\| ');
    case 'list': {
      const min = t.minItems ? ` (≥ ${t.minItems} item${t.minItems > 1 ? 's' : ''})` : '';
      return `list of ${typeText(t.of)}${min}`;
    }
    case 'call':
      return (
        `${SECTIONS.find((s) => s.category === t.category)?.title.toLowerCase() ?? t.category}: ` +
        kindsOf(t.category)
          .map((k) => k.name)
          .join(' \\| ')
      );
    case 'mask':
      return 'mask (name, kind, [1, 0, …] or !mask)';
    case 'union':
      return t.of.map(typeText).join(' or ');
  }
}

function rangeText(t: ArgType): string {
  if (t.kind === 'list') return rangeText(t.of);
  if (t.kind !== 'int' && t.kind !== 'number') return '';
  const lo = t.min === undefined ? '' : `${num(t.min)} ${t.kind === 'number' && t.exclusiveMin ? '<' : '≤'} `;
  const hi = t.max === undefined ? '' : ` ${t.kind === 'number' && t.exclusiveMax ? '<' : '≤'} ${num(t.max)}`;
  return lo || hi ? `${lo}x${hi}` : '';
}

const defaultText = (a: ArgSpec): string =>
  a.required
    ? 'required'
    : a.default === undefined
      ? '—'
      : `\`${Array.isArray(a.default) ? `[${a.default.join(', ')}]` : String(a.default)}\``;

const cell = (s: string): string =>
  s.replace(/\|/g, (m, i, all) => (all[i - 1] === '\\' ? m : '\\|')).replace(/\n/g, ' ');

function argTable(k: LayerKind): string[] {
  if (k.args.length === 0) return ['No arguments.'];
  const rows = k.args.map((a) => {
    const how = [a.positional ? 'positional' : '', a.variadic ? 'variadic' : '', a.flag ? 'flag' : '']
      .filter(Boolean)
      .join(', ');
    const name = `\`${a.name}\`${how ? ` (${how})` : ''}`;
    return `| ${name} | ${cell(typeText(a.type))} | ${defaultText(a)} | ${rangeText(a.type)} | ${cell(a.doc)} |`;
  });
  return ['| argument | type | default | range | meaning |', '|---|---|---|---|---|', ...rows];
}

const DIRECTION: Record<string, string> = {
  closed: 'closed form',
  iterative: 'iterative',
  sequential: 'sequential (D passes)',
  none: 'none',
};

function kindSection(k: LayerKind): string[] {
  const out = [`### ${headingOf(k)}`, '', k.doc];
  if (k.cite) out.push('', `*${k.cite}*`);
  out.push('', ...argTable(k));
  const blockOf = SECTIONS.find((s) => s.category === k.block)?.title.toLowerCase();
  if (k.block) out.push('', `Takes a nested \`{ }\` block of ${blockOf}.`);
  if (k.takesCondition) out.push('', `With \`condition y\` (p(x | y)): y enters ${k.takesCondition}.`);
  const facts: string[] = [];
  if (k.jacobian) facts.push(`Jacobian: ${k.jacobian}`);
  if (k.logDet) facts.push(`log-det: \`${k.logDet}\``);
  const dir = k.directions;
  if (dir) facts.push(`density: ${DIRECTION[dir.density]}, sampling: ${DIRECTION[dir.sample]}`);
  if (facts.length) out.push('', facts.join('; ') + '.');
  const ex = EXAMPLES[`${k.category}:${k.name}`];
  if (ex) out.push('', '```flow', ex, '```');
  return out;
}

function declarationSection(d: Declaration): string[] {
  const where = d.where === 'top' ? 'top level' : d.where === 'model' ? 'in a model' : 'in a block of layers';
  return [`### ${d.name}`, '', `\`${d.form}\` (${where}) — ${d.doc}`, '', '```flow', d.example, '```'];
}

const A_FILE = `// two_moons.flow — RealNVP (Dinh et al.) on 2-D data
let width = 64

model TwoMoons {
  data x: real[2]
  prior normal                       // standard normal base density

  flow {
    repeat 8 {
      coupling(affine, mask: alternate, flip: true, net: mlp(width, width), scale: tanh)
    }
  }
  train { data: toy(moons, noise: 0.05), batch: 256, steps: 1500, optimizer: adam(lr: 1e-3) }
}`;

/** the whole reference as Markdown (docs/LANGUAGE.md) */
export function languageReference(): string {
  const out = [
    '# The .flow language reference',
    '',
    '<!-- Generated from the registry by `flowc help language > docs/LANGUAGE.md`; do not edit by hand. -->',
    '',
    'A spec is a few declarations; everything inside them is a *call* `name(positional, key: value) { nested }`',
    'of a kind listed below. `flowc help NAME` prints one section; `flowc schema` prints the JSON Schema of the',
    'YAML form (`*.flow.yaml`, described by `flowc help yaml`). Comments are `// …` and `/* … */`.',
    '',
    '```flow',
    A_FILE,
    '```',
    '',
    '## Contents',
    '',
    '- [Declarations](#declarations)',
    ...SECTIONS.map((s) => `- [${s.title}](#${slug(s.title)})`),
    '- [Data files](#data-files)',
    '',
    '## Declarations',
    '',
    ...DECLARATIONS.flatMap((d) => [...declarationSection(d), '']),
  ];
  for (const s of SECTIONS) {
    out.push(`## ${s.title}`, '', s.intro, '');
    for (const k of kindsOf(s.category)) out.push(...kindSection(k), '');
  }
  out.push('## Data files', '', DATA_FILE_RULES, '');
  return out.join('\n');
}

/** the sections about `name` (declarations and kinds of that name), or undefined */
export function topicHelp(name: string): string | undefined {
  const parts = [
    ...DECLARATIONS.filter((d) => d.name === name).map((d) => declarationSection(d).join('\n')),
    ...REGISTRY.filter((k) => k.name === name).map((k) => kindSection(k).join('\n')),
  ];
  return parts.length ? parts.join('\n\n') + '\n' : undefined;
}

/** every name `flowc help` knows */
export const topics = (): string[] => [
  ...new Set([...DECLARATIONS.map((d) => d.name), ...REGISTRY.map((k) => k.name)]),
];
