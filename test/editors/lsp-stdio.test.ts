// The real thing: the CLI compiled to JavaScript and spawned as `flowc lsp --stdio`, spoken to over
// its stdin/stdout like an editor does, through to shutdown and exit. A module-resolution hook in
// the child refuses any @tensorflow/* import, so the session also proves the server never loads tfjs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { posOf, streamClient, type Client } from './client.js';
import { ROOT, TWO_MOONS } from './fixtures.js';

const OUT = 'dist/.lsp-test';
let child: ChildProcess;
let client: Client;
let stderr = '';

beforeAll(() => {
  rmSync(ROOT + OUT, { recursive: true, force: true });
  // compile just the CLI's import closure (no type check: that is tsc -p's job)
  const tsc = spawnSync(
    process.execPath,
    [
      ROOT + 'node_modules/typescript/bin/tsc',
      'cli/main.ts',
      'editors/server/main.ts',
      'editors/server/worker.ts',
      '--outDir',
      OUT,
      '--rootDir',
      '.',
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--resolveJsonModule',
      '--types',
      'node',
      '--noCheck',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(existsSync(ROOT + OUT + '/cli/main.js'), tsc.stdout + tsc.stderr).toBe(true);
  writeFileSync(
    ROOT + OUT + '/no-tfjs-hooks.mjs',
    'export async function resolve(s, c, next) { if (s.startsWith("@tensorflow/")) throw ' +
      'new Error("the language server imported " + s); return next(s, c); }\n',
  );
  writeFileSync(
    ROOT + OUT + '/no-tfjs.mjs',
    'import { register } from "node:module";\nregister("./no-tfjs-hooks.mjs", import.meta.url);\n',
  );
  child = spawn(
    process.execPath,
    ['--import', ROOT + OUT + '/no-tfjs.mjs', ROOT + OUT + '/cli/main.js', 'lsp', '--stdio'],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stderr!.on('data', (b) => (stderr += String(b)));
  client = streamClient(child.stdout!, child.stdin!);
}, 240_000);

afterAll(() => {
  client?.dispose();
  if (child && child.exitCode === null) child.kill();
});

test('initialize → didOpen → diagnostics → hover → completion → formatting → shutdown → exit', async () => {
  const init = await client.initialize();
  expect(init.serverInfo?.name).toBe('flowc-lsp');
  const uri = 'file:///tmp/stdio/two_moons.flow';
  const broken = TWO_MOONS.replace('prior normal', 'prior nromal').replace('let width = 64', 'let   width=64');
  const d = client.diagnostics(uri, () => true, 120_000);
  await client.open(uri, broken);
  const diags = await d;
  const at = posOf(broken, 'nromal');
  expect(
    diags.some(
      (x: any) => x.severity === 1 && x.range.start.line === at.line && x.range.start.character === at.character,
    ),
  ).toBe(true);
  const h = await client.request('textDocument/hover', uri, posOf(broken, 'coupling', 1));
  expect(h.contents.value).toContain('coupling');
  const items = await client.request('textDocument/completion', uri, posOf(broken, 'nromal'));
  expect(items.map((i: any) => i.label)).toContain('normal');
  const edits = await client.request('textDocument/formatting', uri, undefined, {
    options: { tabSize: 2, insertSpaces: true },
  });
  expect(edits).toHaveLength(1);
  expect(edits[0].newText).toBe(TWO_MOONS.replace('prior normal', 'prior nromal'));
  expect(await client.shutdown()).toBeNull();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await client.rpc.sendNotification('exit');
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
}, 180_000);
