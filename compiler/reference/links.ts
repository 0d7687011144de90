// How a diagnostic's hint points at the language reference: `flowc help NAME` and the section of
// docs/LANGUAGE.md (shipped with the package) that documents NAME.
import { REGISTRY } from '../registry/index.js';
import { docLink } from './markdown.js';
import { EXAMPLES } from './examples.js';

/** "`flowc help coupling`, docs/LANGUAGE.md#coupling" (the anchor only where the name is one kind's) */
export function helpRef(name: string): string {
  const kinds = REGISTRY.filter((k) => k.name === name);
  return kinds.length === 1 ? `\`flowc help ${name}\`, ${docLink(kinds[0]!)}` : `\`flowc help ${name}\``;
}

/** the forms a data source takes, from the registry: toy(…), mnist(…), idx("…"), csv("…"), npy("…") */
export function dataSourceForms(): string {
  return REGISTRY.filter((k) => k.category === 'dataset')
    .map((k) => {
      const first = k.args.find((a) => a.positional);
      // an optional path (words) or no positional argument at all (permutations): the reference's example
      const example = EXAMPLES[`dataset:${k.name}`];
      const optionalPath = first?.type.kind === 'string' && !first.required;
      if (example && k.args.length > 0 && (!first || optionalPath)) return `\`${example}\``;
      const t = first?.type;
      const inner =
        !first || !t
          ? ''
          : t.kind === 'string'
            ? '"…"'
            : t.kind === 'enum'
              ? t.values[0]
              : t.kind === 'bool' && !first.flag
                ? `${first.name}: true`
                : first.name;
      return `\`${k.name}(${inner})\``;
    })
    .join(', ');
}
