// The playground's bundles (playground/build.mjs, esbuild): no Node built-in reaches them (the Node-only modules'
// browser twins are picked instead), the editor worker carries the compiler without TensorFlow.js, and a module
// that imports a Node built-in makes the build fail. Prints the bundles' gzip sizes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/dist.js';

interface Meta {
  inputs: Record<string, { imports: { path: string }[] }>;
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
interface BuildModule {
  buildPlayground(dir: string): Promise<Meta>;
  bundle(entries: Record<string, string>, dir: string): Promise<Meta>;
  nodeBuiltinsIn(meta: Meta): string[];
}
const build = (await import(join(ROOT, 'playground', 'build.mjs'))) as BuildModule;

const out = mkdtempSync(join(tmpdir(), 'flowc-playground-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** the source files (relative to the repository) one output bundle holds */
const inputsOf = (meta: Meta, bundle: string): string[] =>
  Object.keys(Object.entries(meta.outputs).find(([k]) => k.endsWith(`/${bundle}`))![1].inputs);

describe('the playground bundles', () => {
  let meta: Meta;

  it('build with no Node built-in, the browser twins in place of the Node modules', async () => {
    meta = await build.buildPlayground(out);
    expect(build.nodeBuiltinsIn(meta)).toEqual([]);
    const all = Object.keys(meta.inputs);
    for (const twin of [
      'runtime/backend.browser.ts',
      'runtime/gradients.browser.ts',
      'runtime/data/files.browser.ts',
      'runtime/parallel/data-parallel.browser.ts',
      'runtime/pictures/png.browser.ts',
      'grammar/chevrotain.browser.ts',
    ]) {
      expect(all).toContain(twin);
      expect(all).not.toContain(twin.replace('.browser', ''));
    }
    const train = inputsOf(meta, 'train-worker.js');
    expect(train).toContain('runtime/checkpoint-codec.ts');
    expect(train).toContain('runtime/build.ts');
    expect(all).not.toContain('runtime/checkpoint.ts');
  }, 60_000);

  it('the editor worker holds the compiler and the language server code, without TensorFlow.js', () => {
    const editor = inputsOf(meta, 'editor-worker.js');
    expect(editor).toContain('compiler/index.ts');
    expect(editor).toContain('editors/server/hover.ts');
    expect(editor).toContain('editors/server/completion.ts');
    expect(editor.filter((f) => f.includes('@tensorflow'))).toEqual([]);
    expect(editor.filter((f) => f.startsWith('runtime/'))).toEqual([]);
    const sizes = ['main.js', 'editor-worker.js', 'train-worker.js'].map((f) => {
      const bytes = readFileSync(join(out, f));
      const kib = (n: number) => (n / 1024).toFixed(0);
      return `${f} ${kib(bytes.length)} KiB (gzip ${kib(gzipSync(bytes, { level: 9 }).length)} KiB)`;
    });
    console.log(`playground bundles: ${sizes.join(', ')}`);
    // a bound that catches a bundle swallowing tfjs or the Node runtime, not a speed or size claim
    expect(gzipSync(readFileSync(join(out, 'editor-worker.js'))).length).toBeLessThan(400 * 1024);
  });

  it('fails when a module bundled for the page imports a Node built-in', async () => {
    const entry = join(out, 'uses-fs.ts');
    writeFileSync(entry, "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n");
    await expect(build.bundle({ probe: entry }, join(out, 'probe'))).rejects.toThrow(/node:fs/);
  });

  it('the static page has what it loads: wasm binaries, the spec library', () => {
    for (const f of [
      'index.html',
      'style.css',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ]) {
      expect(readFileSync(join(out, f)).length).toBeGreaterThan(100);
    }
    const specs = JSON.parse(readFileSync(join(out, 'specs.json'), 'utf8')) as { name: string; text: string }[];
    expect(specs.map((s) => s.name)).toContain('two_moons.flow');
    const moons = readFileSync(join(ROOT, 'specs', 'two_moons.flow'), 'utf8');
    expect(specs.find((s) => s.name === 'two_moons.flow')!.text).toBe(moons);
  });
});
