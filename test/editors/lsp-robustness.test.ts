// The server keeps answering: garbage input, random and mutated files, a 10,000-line file, and a
// burst of edits typed faster than the debounce.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { inProcessClient, type Client, type Pos } from './client.js';
import { TWO_MOONS, languageExamples, specFiles } from './fixtures.js';

let c: Client;
beforeAll(async () => {
  // a generous budget: the 10,000-line file takes seconds on a loaded machine
  c = inProcessClient({ debounceMs: 30, timeMs: 60_000 });
  await c.initialize();
});
afterAll(() => {
  c.dispose();
});
afterEach(() => {
  expect(c.errors, 'errors logged by the server').toEqual([]);
});

const REQUESTS = ['textDocument/hover', 'textDocument/completion', 'textDocument/definition'];

/** every request kind at a few positions; each must answer (not reject) */
async function poke(uri: string, text: string, positions: Pos[]): Promise<void> {
  for (const p of positions) for (const m of REQUESTS) await c.request(m, uri, p);
  await c.request('textDocument/documentSymbol', uri);
  await c.request('textDocument/formatting', uri, undefined, { options: { tabSize: 2, insertSpaces: true } });
  void text;
}

function positionsOf(text: string, n: number): Pos[] {
  const lines = text.split('\n');
  const out: Pos[] = [];
  for (let i = 0; i < n; i++) {
    const line = (i * 7919) % lines.length;
    out.push({ line, character: (i * 31) % (lines[line]!.length + 1) });
  }
  out.push({ line: lines.length + 5, character: 3 }); // past the end
  return out;
}

test('garbage text: diagnostics, answers everywhere, then recovery on valid text', async () => {
  const uri = 'file:///g/garbage.flow';
  const garbage =
    '}}}} model { flow (( [ ,,, :: !!! \u0000\u0001 "unterminated\n/* open ' +
    'comment\nmodel M { flow { coupling( } } }} @#$%^&* 1e999 -- ++';
  const d = c.diagnostics(uri);
  await c.open(uri, garbage);
  expect((await d).some((x) => x.severity === 1)).toBe(true);
  await poke(uri, garbage, positionsOf(garbage, 12));
  const v = await c.change(uri, TWO_MOONS);
  expect((await c.diagnostics(uri, (p) => p.version === v)).filter((x) => x.severity === 1)).toEqual([]);
  const h = await c.request('textDocument/hover', uri, { line: 9, character: 8 });
  expect(h?.contents?.value).toContain('coupling');
});

test('random and mutated files never stop the server', async () => {
  const seeds = [TWO_MOONS, ...languageExamples().map((e) => e.text), ...specFiles().map((e) => e.text)];
  const uri = 'file:///g/fuzz.flow';
  await c.open(uri, '');
  let version = 1;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc
          .tuple(
            fc.integer({ min: 0, max: seeds.length - 1 }),
            fc.nat(),
            fc.nat({ max: 40 }),
            fc.string({ maxLength: 8 }),
          )
          .map(([i, at, del, ins]) => {
            const s = seeds[i]!;
            const p = at % (s.length + 1);
            return s.slice(0, p) + ins + s.slice(p + del);
          }),
      ),
      async (text) => {
        version++;
        await c.rpc.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ text }],
        });
        await poke(uri, text, positionsOf(text, 3));
      },
    ),
    { numRuns: 60 },
  );
  // still alive and correct
  version++;
  await c.rpc.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ text: 'model {' }],
  });
  const ds = await c.diagnostics(uri, (p) => p.version === version);
  expect(ds.some((x) => x.severity === 1)).toBe(true);
});

test('a 10,000-line file: diagnostics, symbols and hover at the end', async () => {
  const model = (i: number) => [
    `// model ${i}`,
    `model M${i} {`,
    '  data x: real[2]',
    '  prior normal',
    '  flow {',
    `    coupling(affine, mask: alternate, net: mlp(w, w), scale: tanh)`,
    '    coupling(affine, mask: !alternate, net: mlp(w, w), scale: tanh)',
    '  }',
    '}',
    '',
  ];
  const lines = ['let w = 16', ''];
  for (let i = 0; lines.length < 10_000; i++) lines.push(...model(i));
  const text = lines.join('\n');
  const nModels = (lines.length - 2) / 10;
  expect(text.split('\n').length).toBeGreaterThanOrEqual(10_000);
  const uri = 'file:///g/big.flow';
  const d = c.diagnostics(uri, () => true, 60_000);
  const t0 = performance.now();
  await c.open(uri, text);
  const diags = await d;
  const ms = performance.now() - t0;
  expect(diags.filter((x) => x.severity === 1)).toEqual([]);
  const syms = await c.request('textDocument/documentSymbol', uri);
  expect(syms).toHaveLength(nModels + 1);
  const last = text.split('\n').length - 5;
  const h = await c.request('textDocument/hover', uri, { line: last, character: 6 });
  expect(h.contents.value).toContain('coupling');
  console.log(`10,000-line file: first diagnostics after ${ms.toFixed(0)} ms`);
}, 120_000);

test('a burst of edits is debounced and the last version wins', async () => {
  const uri = 'file:///g/burst.flow';
  const d = c.diagnostics(uri);
  await c.open(uri, TWO_MOONS);
  await d;
  const before = c.published.filter((p) => p.uri === uri).length;
  // type `  squeeze2(` one character at a time at the start of the flow block, no waiting
  const at = TWO_MOONS.split('\n').findIndex((l) => l.includes('flow {')) + 1;
  const typed = '    squeeze2(';
  let v = 0;
  for (let i = 0; i < typed.length; i++) {
    v = await c.edit(uri, { start: { line: at, character: i }, end: { line: at, character: i } }, typed[i]!);
  }
  v = await c.edit(
    uri,
    { start: { line: at, character: typed.length }, end: { line: at, character: typed.length } },
    ')\n',
  );
  const final = await c.diagnostics(uri, (p) => p.version === v);
  const published = c.published.filter((p) => p.uri === uri).length - before;
  expect(published).toBeLessThan(5); // 14 edits, debounced
  // the final text has an unknown layer `squeeze2` at the typed position
  expect(final.some((x) => x.severity === 1 && x.range.start.line === at && x.range.start.character === 4)).toBe(true);
  // and hover answers on the edited document
  const h = await c.request('textDocument/hover', uri, { line: at + 3, character: 8 });
  expect(h === null || typeof h.contents.value === 'string').toBe(true);
});
