// The VS Code extension is built and packaged: `vsce package` (which runs the manifest's
// vscode:prepublish: type check + esbuild bundle) writes a .vsix holding the manifest, grammar,
// schema and ONE bundled client (vscode-languageclient inside, `vscode` left to the editor). Then
// the bundled client's own serverOptions() — read with a stub `vscode` module giving the user's
// settings — starts the server the way vscode-languageclient starts an Executable over stdio
// (args + --stdio), and an initialize/didOpen/diagnostics exchange runs over its stdio.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { useFreshDist } from '../support/dist.js';
import { streamClient, type Client } from './client.js';
import { ROOT, TWO_MOONS } from './fixtures.js';

const EXT = join(ROOT, 'editors/vscode');
useFreshDist(join('dist', 'cli', 'main.js'), ['cli', 'editors/server', 'compiler', 'grammar']);

/** the file names in a zip archive, from its central directory */
export function zipEntries(buf: Buffer): string[] {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const n = buf.readUInt16LE(p + 28),
      m = buf.readUInt16LE(p + 30),
      k = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + n));
    p += 46 + n + m + k;
  }
  return names;
}

const dir = mkdtempSync(join(tmpdir(), 'flowc-vsix-'));
const vsix = join(dir, 'flowc.vsix');

test('vsce packages the extension into a .vsix with one bundled client', () => {
  const manifest = JSON.parse(readFileSync(join(EXT, 'package.json'), 'utf8'));
  const [cmd, ...args] = (manifest.scripts.package as string).split(' ');
  expect(cmd).toBe('vsce');
  const vsce = join(ROOT, 'node_modules/.bin/vsce');
  const r = spawnSync(vsce, [...args, '-o', vsix], { cwd: EXT, encoding: 'utf8', timeout: 55_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const names = zipEntries(readFileSync(vsix));
  const files = [
    'package.json',
    'out/extension.js',
    'syntaxes/flow.tmLanguage.json',
    'flow.schema.json',
    'language-configuration.json',
    'LICENSE.txt',
  ];
  for (const f of files) {
    expect(names, f).toContain(`extension/${f}`);
  }
  expect(names.some((n) => n.includes('/src/') || n.includes('node_modules'))).toBe(false);
  const bundle = readFileSync(join(EXT, 'out/extension.js'), 'utf8');
  expect(bundle).toContain('require("vscode")');
  expect(bundle).not.toMatch(/require\("vscode-languageclient/);
}, 60_000);

let child: ChildProcess | undefined;
let client: Client | undefined;
afterAll(() => {
  client?.dispose();
  if (child && child.exitCode === null) child.kill();
});

/** the bundled client module, with `vscode` answered by a stub holding `settings` */
function loadClient(settings: Record<string, unknown>): { serverOptions(): any } {
  // the client library subclasses and reads vscode API members when it loads: any other member is
  // an empty class (with any static member) — enough to load, never called by serverOptions()
  const anything: any = new Proxy(class {}, { get: (t, k) => (k in t ? (t as any)[k] : anything) });
  const workspace = { getConfiguration: () => ({ get: (k: string, d: unknown) => (k in settings ? settings[k] : d) }) };
  const stub = new Proxy({ workspace }, { get: (t, k) => (k in t ? (t as any)[k] : anything) });
  const M = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = M._load;
  M._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? stub : load(req, ...rest));
  try {
    const file = join(EXT, 'out/extension.js');
    const req = createRequire(file);
    delete req.cache[file];
    return req(file);
  } finally {
    M._load = load;
  }
}

test('the client starts `flowc lsp --stdio` as configured, and gets diagnostics from it', async () => {
  expect(existsSync(join(EXT, 'out/extension.js'))).toBe(true);
  // defaults (the manifest's): `flowc lsp` over stdio
  const byDefault = loadClient({}).serverOptions().run;
  expect(byDefault).toMatchObject({ command: 'flowc', args: ['lsp'], transport: 0 /* TransportKind.stdio */ });
  // the documented repository set-up: node + bin/flowc.js
  const settings = { 'server.command': process.execPath, 'server.args': [join(ROOT, 'bin/flowc.js')] };
  const run = loadClient(settings).serverOptions().run;
  expect(run.transport).toBe(0);
  // vscode-languageclient, Executable over stdio: spawn(command, [...args, '--stdio'], options)
  child = spawn(run.command, [...run.args, '--stdio'], { ...run.options, cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b) => (stderr += String(b)));
  client = streamClient(child.stdout!, child.stdin!);
  const init = await client.initialize();
  expect(init.serverInfo?.name, stderr).toBe('flowc-lsp');
  const uri = 'file:///tmp/vsix/two_moons.flow';
  const d = client.diagnostics(uri, () => true, 30_000);
  await client.open(uri, TWO_MOONS.replace('prior normal', 'prior nromal'));
  const diags = await d;
  expect(diags.some((x: any) => x.severity === 1 && /nromal/.test(x.message))).toBe(true);
  expect(await client.shutdown()).toBeNull();
}, 60_000);
