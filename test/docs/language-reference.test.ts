// docs/LANGUAGE.md is generated from the registry: it must be up to date, cover every declaration and
// kind with a working example, and be what diagnostics' hints point at (never files users lack).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/index.js';
import { REGISTRY } from '../../compiler/registry/index.js';
import { DATA_FILE_RULES } from '../../compiler/registry/data-rules.js';
import { CONTEXTS, DECLARATIONS, EXAMPLES } from '../../compiler/reference/examples.js';
import { docLink, languageReference, slug, topicHelp } from '../../compiler/reference/markdown.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'LANGUAGE.md');

/** the anchors of a Markdown text's headings, as GitHub makes them (duplicates get -1, -2, …) */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]!);
    let a = base;
    for (let i = 1; out.has(a); i++) a = `${base}-${i}`;
    out.add(a);
  }
  return out;
}

describe('docs/LANGUAGE.md', () => {
  it('is the reference generated from the registry (regenerate: flowc help language > docs/LANGUAGE.md)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(languageReference());
  });

  it('has one section per declaration and kind, with unique anchors, and every kind its arguments', () => {
    const md = languageReference();
    const heads = [...md.matchAll(/^### (.+)$/gm)].map((m) => slug(m[1]!));
    expect(new Set(heads).size).toBe(heads.length);
    expect(heads.length).toBe(DECLARATIONS.length + REGISTRY.length);
    const all = anchors(md);
    for (const k of REGISTRY) {
      expect(all.has(docLink(k).split('#')[1]!), docLink(k)).toBe(true);
      for (const a of k.args) expect(topicHelp(k.name), `${k.name}.${a.name}`).toContain(`| \`${a.name}\``);
    }
  });

  it('ends with the data-file rules of the registry', () => {
    expect(languageReference()).toContain(`## Data files\n\n${DATA_FILE_RULES}\n`);
  });

  it('gives every kind an example that parses and resolves where it is written', () => {
    const missing = REGISTRY.filter((k) => !EXAMPLES[`${k.category}:${k.name}`]).map((k) => `${k.category}:${k.name}`);
    expect(missing).toEqual([]);
    for (const [key, example] of Object.entries(EXAMPLES)) {
      const category = key.split(':')[0] as keyof typeof CONTEXTS;
      const text = `model M {\n  ${CONTEXTS[category].replace('$', example)}\n}\n`;
      const bad = checkSource(text, 'example.flow').diagnostics
        .filter((d) => d.severity === 'error' && /^FC[123]/.test(d.code));
      expect(bad.map((d) => `${d.code} ${d.message}`), `${key}: ${example}`).toEqual([]);
      expect(text, key).toContain(key.split(':')[1] === 'train' ? 'train {' : key.split(':')[1]);
    }
  });

  it('gives every declaration an example that parses', () => {
    for (const d of DECLARATIONS) {
      const body = d.where === 'top' ? d.example : d.where === 'model' ? `model M {\n  ${d.example}\n}` :
        `model M {\n  data x: real[1, 4, 4]\n  prior normal\n  flow { ${d.example} }\n}`;
      const syntax = checkSource(body, 'decl.flow').diagnostics.filter((x) => /^FC1/.test(x.code));
      expect(syntax.map((x) => x.message), d.name).toEqual([]);
    }
  });
});

describe('hints point at what users have', () => {
  const files = (dir: string): string[] => readdirSync(join(ROOT, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(ROOT, p)).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
  const sources = ['compiler', 'grammar', 'cli', 'runtime', 'editors/server'].flatMap(files);

  it('no diagnostic, message or help text names the design notes or a bare LANGUAGE.md / YAML_FORM.md', () => {
    const offenders: string[] = [];
    for (const f of sources) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      text.split('\n').forEach((line, i) => {
        const design = /\.\.\/shared|design\/LANGUAGE/.test(line);
        if (design || /(?<!docs\/)(LANGUAGE|YAML_FORM)\.md/.test(line)) offenders.push(`${f}:${i + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('an unknown argument names the help topic and the section of docs/LANGUAGE.md', () => {
    const text = 'model M {\n  data x: real[2]\n  prior normal\n' +
      '  flow { coupling(affine, mask: half, net: mlp(8), scael: tanh) }\n}\n';
    const d = checkSource(text, 'm.flow').diagnostics.find((x) => x.code === 'FC202');
    expect(d?.hint).toContain('did you mean `scale`?');
    expect(d?.hint).toContain('`flowc help coupling`, docs/LANGUAGE.md#coupling');
    expect(anchors(languageReference()).has('coupling')).toBe(true);
  });
});
