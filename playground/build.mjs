// Builds the playground (`flowc playground`) into dist/playground/ with esbuild, from the same grammar/,
// compiler/, editors/server/ and runtime/ sources as the CLI. Node-only modules have a browser twin
// beside them (`X.browser.ts` next to `X.ts`: the adapters); the plugin below picks the twin, and the
// build fails if a Node built-in still reaches a bundle. Run by `npm run build` (and so by `npm ci`).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'playground');

/** `./x.js` imports resolve to `./x.browser.ts` where that adapter exists */
const adapters = {
  name: 'browser-adapters',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(root) || args.importer.includes('node_modules')) return undefined;
      const twin = resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'));
      return existsSync(twin) ? { path: twin } : undefined;
    });
    // the language server's hover and completion use only the protocol's types and enums
    build.onResolve({ filter: /^vscode-languageserver\/node(\.js)?$/ }, () =>
      build.resolve('vscode-languageserver-types', { kind: 'import-statement', resolveDir: root }),
    );
  },
};

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** the Node built-ins a bundle's metafile shows (imports esbuild left external or resolved) */
export function nodeBuiltinsIn(metafile) {
  const found = new Set();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) if (NODE.has(imp.path) || imp.path.startsWith('node:')) found.add(imp.path);
  }
  return [...found];
}

const ENTRIES = {
  main: 'playground/main.ts',
  'editor-worker': 'playground/editor-worker.ts',
  'train-worker': 'playground/train-worker.ts',
};

/** bundles entry points (name → file) for the browser into dir; throws if a Node built-in is imported */
export async function bundle(entryPoints, dir) {
  let result;
  try {
    result = await esbuild.build({
      entryPoints,
      outdir: dir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      metafile: true,
      logLevel: 'silent',
      plugins: [adapters],
      legalComments: 'none',
      absWorkingDir: root,
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  } catch (e) {
    const where = (m) => (m.location ? `${m.location.file}:${m.location.line}: ` : '');
    const lines = (e.errors ?? []).map((m) => `${where(m)}${m.text}`);
    throw new Error(lines.length ? lines.join('\n') : e.message, { cause: e });
  }
  const node = nodeBuiltinsIn(result.metafile);
  if (node.length) throw new Error(`Node built-ins in the playground bundle: ${node.join(', ')}`);
  return result.metafile;
}

export async function buildPlayground(dir = out) {
  mkdirSync(dir, { recursive: true });
  const meta = await bundle(Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])), dir);
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'playground', f), join(dir, f));
  const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(dir, f));
  const specs = readdirSync(join(root, 'specs'))
    .filter((n) => n.endsWith('.flow'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(root, 'specs', name), 'utf8') }));
  writeFileSync(join(dir, 'specs.json'), JSON.stringify(specs));
  return meta;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildPlayground(process.argv[2] ? resolve(process.argv[2]) : out);
  } catch (e) {
    console.error(`playground build failed: ${e.message}`);
    process.exit(1);
  }
}
