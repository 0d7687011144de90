// Issue #17: the fuzz's hostile inputs (test/fuzz/hostile.ts) against a live `flowc lsp` over
// stdio: each case replaces the document's text, then hover, completion, definition and symbols
// are asked at a few places. Every request must answer; every published diagnostic must lie
// inside its document; the server must still be alive at the end (shutdown → exit 0), whatever
// the checker did with the cases (slow, crashing: the analysis process takes it, host.ts).
// FUZZ_LSP_CASES sets the number of cases (npm run fuzz: 5,000).
import { spawn, type ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useFreshDist } from '../support/dist.js';
import { fuzzSeed, hostileCases } from '../fuzz/hostile.js';
import { streamClient, type Client, type Pos } from './client.js';
import { ROOT } from './fixtures.js';

const CASES = Number(process.env.FUZZ_LSP_CASES ?? 300);
const POSITIONED = ['textDocument/hover', 'textDocument/completion', 'textDocument/definition'];
let child: ChildProcess;
let client: Client;
let stderr = '';

useFreshDist('dist/editors/server/worker.js', ['grammar', 'compiler', 'editors/server', 'cli']);
beforeAll(async () => {
  child = spawn(process.execPath, [ROOT + 'bin/flowc.js', 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
  child.stderr!.on('data', (b) => (stderr = (stderr + String(b)).slice(-20_000)));
  client = streamClient(child.stdout!, child.stdin!);
  await client.initialize();
}, 120_000);
afterAll(() => {
  client?.dispose();
  if (child && child.exitCode === null) child.kill();
});

function positions(text: string, seed: number): Pos[] {
  const lines = text.split('\n');
  return [0, 1, 2].map((k) => {
    const line = (seed + k * 7919) % lines.length;
    return { line, character: (seed * 31 + k) % (lines[line]!.length + 1) };
  });
}

test(
  `${CASES} hostile documents: every request answers, diagnostics inside the document, server alive`,
  async () => {
    const t0 = performance.now();
    let version = 1;
    const uriOf = (file: string) => `file:///fuzz/${file}`;
    const opened = new Set<string>();
    const texts = new Map<string, string[]>(); // uri → text by version
    await fc.assert(
      fc.asyncProperty(hostileCases, fc.nat(), async (c, seed) => {
        const uri = uriOf(c.file);
        version++;
        const byVersion = texts.get(uri) ?? [];
        byVersion[version] = c.text;
        texts.set(uri, byVersion);
        if (!opened.has(uri)) {
          opened.add(uri);
          const textDocument = { uri, languageId: 'flow', version, text: c.text };
          await client.rpc.sendNotification('textDocument/didOpen', { textDocument });
        } else {
          const change = { textDocument: { uri, version }, contentChanges: [{ text: c.text }] };
          await client.rpc.sendNotification('textDocument/didChange', change);
        }
        const answers = await Promise.all([
          ...positions(c.text, seed).flatMap((p) => POSITIONED.map((m) => client.request(m, uri, p))),
          client.request('textDocument/documentSymbol', uri),
        ]);
        expect(answers).toHaveLength(10);
      }),
      { numRuns: CASES, seed: fuzzSeed(17) + 2, endOnFailure: true },
    );

    // every diagnostic published for a version lies inside that version's text
    const bad: string[] = [];
    for (const p of client.published) {
      const text = p.version === undefined ? undefined : texts.get(p.uri)?.[p.version];
      if (text === undefined) continue;
      const lines = text.split(/\r\n|\r|\n/);
      for (const d of p.diagnostics) {
        const where =
          `${p.uri} v${p.version} ${String(d.code)} ${d.message.slice(0, 200)} ` +
          `in ${JSON.stringify(text.slice(0, 200))}`;
        for (const at of [d.range.start, d.range.end]) {
          if (at.line >= lines.length || at.character > lines[at.line]!.length) bad.push(`outside: ${where}`);
        }
        if (['FC000', 'FC149', 'FLSP01'].includes(String(d.code))) bad.push(where);
      }
    }
    expect(bad).toEqual([]);
    console.log(
      `lsp fuzz: ${CASES} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
        `${client.published.length} diagnostics published`,
    );
    expect(await client.shutdown()).toBeNull();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await client.rpc.sendNotification('exit');
    expect(await exited, stderr.slice(-2000)).toBe(0);
  },
  120_000 + CASES * 400,
);
