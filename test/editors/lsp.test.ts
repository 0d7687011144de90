// The language server driven as an editor drives it: JSON-RPC over a pair of streams, one
// session: initialize → didOpen → publishDiagnostics → didChange → hover → completion →
// definition → symbols → formatting → shutdown, asserting the content of every answer.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkSource } from '../../compiler/index.js';
import { kindsOf, lookup } from '../../compiler/registry/index.js';
import { formatFlow } from '../../grammar/format.js';
import { paramCount } from '../../editors/server/hover.js';
import type { CheckedLayer } from '../../compiler/check/model.js';
import { inProcessClient, posOf, type Client } from './client.js';
import { TWO_MOONS } from './fixtures.js';

const uri = 'file:///work/specs/two_moons.flow';
let c: Client;

beforeAll(async () => {
  c = inProcessClient({ debounceMs: 20 });
});
afterAll(() => {
  c.dispose();
});
afterEach(() => {
  expect(c.errors, 'errors logged by the server').toEqual([]);
});

const labels = (items: { label: string }[]) => items.map((i) => i.label);
const errors = (ds: { severity?: number }[]) => ds.filter((d) => d.severity === 1);

describe('one editing session', () => {
  test('initialize announces the features', async () => {
    const r = await c.initialize();
    expect(r.serverInfo?.name).toBe('flowc-lsp');
    for (const cap of [
      'hoverProvider',
      'completionProvider',
      'definitionProvider',
      'documentSymbolProvider',
      'documentFormattingProvider',
    ]) {
      expect(r.capabilities[cap], cap).toBeTruthy();
    }
  });

  test('didOpen publishes the checker diagnostics: none for the LANGUAGE.md example', async () => {
    const d = c.diagnostics(uri);
    await c.open(uri, TWO_MOONS);
    const diags = await d;
    expect(errors(diags)).toEqual([]);
    // the same as flowc check reports
    expect(diags.length).toBe(checkSource(TWO_MOONS, '/work/specs/two_moons.flow').diagnostics.length);
  });

  test('didChange: a misspelt layer is reported at its range, with its code and a did-you-mean', async () => {
    const broken = TWO_MOONS.replace('coupling(', 'cuopling(');
    const v = await c.change(uri, broken);
    const diags = await c.diagnostics(uri, (p) => p.version === v);
    const e = errors(diags);
    expect(e.length).toBeGreaterThanOrEqual(1);
    const at = posOf(broken, 'cuopling');
    const hit = e.find((d: any) => d.range.start.line === at.line && d.range.start.character === at.character);
    expect(hit, JSON.stringify(e)).toBeDefined();
    expect((hit as any).range.end).toEqual({ line: at.line, character: at.character + 'cuopling'.length });
    expect((hit as any).code).toMatch(/^FC\d{3}$/);
    expect((hit as any).source).toBe('flowc');
    expect((hit as any).message).toContain('cuopling');
    expect((hit as any).message).toMatch(/coupling/); // the hint: did you mean `coupling`
    // the same code the compiler gives for that span
    const ref = checkSource(broken, 'x.flow').diagnostics.find((d) => d.span.start === broken.indexOf('cuopling'));
    expect((hit as any).code).toBe(ref?.code);
  });

  test('related locations travel as relatedInformation (a duplicate model points at the first one)', async () => {
    const text = TWO_MOONS + '\nmodel TwoMoons {\n  data x: real[2]\n  prior normal\n}\n';
    const v = await c.change(uri, text);
    const diags = await c.diagnostics(uri, (p) => p.version === v);
    const ref = checkSource(text, 'x.flow').diagnostics.find((d) => d.related?.length && d.severity === 'error');
    expect(ref).toBeDefined();
    const dup = diags.find((d: any) => d.code === ref!.code) as any;
    expect(dup.range.start).toEqual(posOf(text, 'TwoMoons', 0, 1));
    expect(dup.relatedInformation).toHaveLength(1);
    expect(dup.relatedInformation[0].location.uri).toBe(uri);
    expect(dup.relatedInformation[0].location.range.start).toEqual(posOf(text, 'TwoMoons'));
    expect(dup.relatedInformation[0].message).toBe(ref!.related![0]!.message);
  });

  test('fixing it clears the error', async () => {
    const v = await c.change(uri, TWO_MOONS);
    expect(errors(await c.diagnostics(uri, (p) => p.version === v))).toEqual([]);
  });

  test('hover on a layer shows its explain rows: shapes, Jacobian, log-det, inverse, parameters', async () => {
    const h = await c.request('textDocument/hover', uri, posOf(TWO_MOONS, 'coupling', 3));
    const md: string = h.contents.value;
    const kind = lookup('coupling', 'flow')!;
    expect(md).toContain('**coupling**');
    expect(md).toContain(kind.jacobian!);
    expect(md).toContain(kind.directions!.density);
    const rows = md.split('\n').filter((l) => l.startsWith('| `flow'));
    expect(rows).toHaveLength(8); // repeat 8
    for (const r of rows) expect(r).toContain('[2] → [2]');
    // the parameter count shown is the registry's count for the checked layer
    const layers = checkSource(TWO_MOONS, 'x.flow').models[0]!.flow!.filter(
      (l: CheckedLayer) => l.kind.name === 'coupling',
    );
    expect(layers).toHaveLength(8);
    const n = paramCount(layers[0]!);
    expect(n).toBeGreaterThan(0);
    expect(rows[0]).toContain(`| ${n.toLocaleString('en-US')} |`);
    expect(h.range.start).toEqual(posOf(TWO_MOONS, 'coupling'));
  });

  test('hover on an argument name shows its registry doc; on a let use shows its definition', async () => {
    const h1 = await c.request('textDocument/hover', uri, posOf(TWO_MOONS, 'scale:', 1));
    const spec = lookup('coupling', 'flow')!.args.find((a) => a.name === 'scale')!;
    expect(h1.contents.value).toContain(spec.doc);
    const h2 = await c.request('textDocument/hover', uri, posOf(TWO_MOONS, 'width', 1, 1));
    expect(h2.contents.value).toContain('let width = 64');
  });

  test('completion: flow kinds in a flow block, priors after prior, argument names and values in a call', async () => {
    /** the text with a new line after `after`, the cursor at its end */
    const withLine = (line: string, after: string) => {
      const marked = TWO_MOONS.replace(after, after + '\n' + line + '§');
      return { text: marked.replace('§', ''), pos: posOf(marked, '§') };
    };
    // a new line inside `repeat 8 {` in the flow block
    let t = withLine('      ', 'repeat 8 {');
    await c.change(uri, t.text);
    const inFlow = labels(await c.request('textDocument/completion', uri, t.pos));
    expect(inFlow).toEqual(expect.arrayContaining(['coupling', 'squeeze', 'actnorm', 'repeat']));
    expect(new Set(inFlow)).toEqual(new Set([...kindsOf('flow').map((k) => k.name), 'repeat', 'level']));

    t = { text: TWO_MOONS, pos: posOf(TWO_MOONS, 'prior ', 6) };
    await c.change(uri, t.text);
    const priors = labels(await c.request('textDocument/completion', uri, t.pos));
    expect(new Set(priors)).toEqual(new Set(kindsOf('prior').map((k) => k.name)));

    const argPos = posOf(TWO_MOONS, 'flip: true, ', 'flip: true, '.length);
    const args = labels(await c.request('textDocument/completion', uri, argPos));
    const coupling = lookup('coupling', 'flow')!;
    expect(args).toEqual(
      expect.arrayContaining(coupling.args.filter((a) => !['mask', 'flip'].includes(a.name)).map((a) => a.name)),
    );
    expect(args).not.toContain('mask'); // already given

    const scaleSpec = coupling.args.find((a) => a.name === 'scale')!.type;
    const scale = labels(await c.request('textDocument/completion', uri, posOf(TWO_MOONS, 'scale: ', 7)));
    expect(scaleSpec.kind).toBe('enum');
    expect(new Set(scale)).toEqual(new Set(scaleSpec.kind === 'enum' ? scaleSpec.values : []));

    const masks = labels(await c.request('textDocument/completion', uri, posOf(TWO_MOONS, 'mask: ', 6)));
    expect(masks).toEqual(expect.arrayContaining(kindsOf('mask').map((k) => k.name)));

    const inMlp = labels(await c.request('textDocument/completion', uri, posOf(TWO_MOONS, 'mlp(', 4)));
    expect(inMlp).toContain('width');

    const model = labels(await c.request('textDocument/completion', uri, posOf(TWO_MOONS, '  prior', 2)));
    expect(model).toEqual(expect.arrayContaining(['data', 'prior', 'flow', 'train', 'likelihood']));
    expect(model).not.toContain('coupling');

    expect(await c.request('textDocument/completion', uri, posOf(TWO_MOONS, 'RealNVP', 2))).toEqual([]); // in a comment

    // slots: orders, domains, posterior families, train settings and their values, pixelcnn layers
    const at = async (marked: string) => {
      await c.change(uri, marked.replace('§', ''));
      return labels(await c.request('textDocument/completion', uri, posOf(marked, '§')));
    };
    const names = (cat: Parameters<typeof kindsOf>[0]) => new Set(kindsOf(cat).map((k) => k.name));
    expect(new Set(await at(TWO_MOONS.replace('  prior normal', '  order §')))).toEqual(names('order'));
    expect(new Set(await at(TWO_MOONS.replace('data x: real', 'data x: §real')))).toEqual(names('domain'));
    const post = await at(TWO_MOONS.replace('  prior normal', '  posterior §'));
    expect(new Set(post)).toEqual(new Set(['flow', ...names('posterior')]));
    expect(post.filter((l) => l === 'flow')).toHaveLength(1);
    const train = await at(TWO_MOONS.replace('batch: 512, ', 'batch: 512, §'));
    expect(train).toEqual(
      expect.arrayContaining(
        lookup('train', 'train')!
          .args.map((a) => a.name)
          .filter((n) => !['data', 'batch', 'steps', 'optimizer'].includes(n)),
      ),
    );
    expect(train).not.toContain('batch');
    expect(new Set(await at(TWO_MOONS.replace('optimizer: adam', 'optimizer: §adam')))).toEqual(names('optimizer'));
    const px =
      'model P {\n  data x: binary[1, 8, 8]\n  order raster(channels: sequential)\n  ' +
      'conditional pixelcnn {\n    §\n  }\n  likelihood bernoulli\n}\n';
    expect(new Set(await at(px))).toEqual(names('ar-layer'));
    expect(await at('§\n' + TWO_MOONS)).toEqual(['let', 'mask', 'model']);
    await c.change(uri, TWO_MOONS);
  });

  test('definition of a let use jumps to its declaration', async () => {
    await c.change(uri, TWO_MOONS);
    const loc = await c.request('textDocument/definition', uri, posOf(TWO_MOONS, 'width', 2, 2));
    expect(loc.uri).toBe(uri);
    expect(loc.range.start).toEqual(posOf(TWO_MOONS, 'width'));
    expect(loc.range.end).toEqual(posOf(TWO_MOONS, 'width', 5));
    // on a layer name there is no user definition
    expect(await c.request('textDocument/definition', uri, posOf(TWO_MOONS, 'coupling', 1))).toBeNull();
  });

  test('definition of a mask use, model-level mask first', async () => {
    const text =
      'mask m = alternate\nmodel A {\n  data x: real[4]\n  mask m = half\n  prior normal\n ' +
      ' flow {\n    coupling(affine, mask: !m, net: mlp(8))\n  }\n}\n';
    const u2 = 'file:///work/specs/masks.flow';
    await c.open(u2, text);
    const loc = await c.request('textDocument/definition', u2, posOf(text, '!m', 1));
    expect(loc.range.start).toEqual(posOf(text, 'm = half'));
  });

  test('document symbols: models with their declarations and blocks, lets', async () => {
    const syms = await c.request('textDocument/documentSymbol', uri);
    expect(syms.map((s: any) => s.name)).toEqual(['width', 'TwoMoons']);
    const model = syms[1];
    expect(model.children.map((s: any) => s.name)).toEqual(['x', 'prior', 'flow', 'train']);
    const flow = model.children[2];
    expect(flow.children[0].name).toBe('repeat 8');
    expect(flow.children[0].children[0].name).toBe('coupling');
    expect(model.selectionRange.start).toEqual(posOf(TWO_MOONS, 'TwoMoons'));
  });

  test('formatting returns the formatter output as one edit; nothing on syntax errors', async () => {
    const messy = TWO_MOONS.replace('let width = 64', 'let   width=64').replace('data x: real[2]', 'data x :real[ 2 ]');
    await c.change(uri, messy);
    const edits = await c.request('textDocument/formatting', uri, undefined, {
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe(formatFlow(messy, 'x.flow').text);
    expect(edits[0].newText).toContain('let width = 64\n');
    expect(edits[0].range.start).toEqual({ line: 0, character: 0 });
    await c.change(uri, messy + '\nmodel {');
    expect(
      await c.request('textDocument/formatting', uri, undefined, { options: { tabSize: 2, insertSpaces: true } }),
    ).toEqual([]);
  });

  test('shutdown answers', async () => {
    expect(await c.shutdown()).toBeNull();
  });
});
