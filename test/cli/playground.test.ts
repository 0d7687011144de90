// `flowc playground`: serves the bundled page with the cross-origin isolation headers, only files of the bundle
// (and MNIST's digits), and `--build DIR` writes the same page as static files.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFor, playgroundDir, startServer } from '../../cli/commands/playground.js';
import { ROOT, useFreshDist } from '../support/dist.js';
import { PLAYGROUND_DIST, useFreshPlayground } from '../support/playground.js';
import { flowc, noTrace, tmp } from './helpers.js';

useFreshDist('dist/cli/main.js', ['compiler', 'grammar', 'runtime', 'cli']);
useFreshPlayground();

describe('flowc playground (server)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await startServer(playgroundDir(), 0, '127.0.0.1');
    const a = server.address() as { port: number };
    base = `http://127.0.0.1:${a.port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('serves the page and its bundles with COOP/COEP and the right types', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(await r.text()).toContain('main.js');
    const js = await fetch(`${base}/editor-worker.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/tfjs-backend-wasm-simd.wasm`)).headers.get('content-type')).toBe('application/wasm');
    const digits = await fetch(`${base}/mnist/3.json`);
    expect(digits.status).toBe(200);
    expect(((await digits.json()) as { data: number[] }).data.length % 784).toBe(0);
  });

  it('answers 404 outside the bundle, 405 to other methods', async () => {
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/mnist/../../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const root = playgroundDir();
    expect(fileFor(root, '/../../package.json')).toBeUndefined();
    expect(fileFor(root, '/%2e%2e%2f%2e%2e%2fpackage.json')).toBeUndefined();
    expect(fileFor(root, '/%E0%A4%A')).toBeUndefined();
    expect(fileFor(root, '/index.html')).toBe(join(root, 'index.html'));
  });

  it('flowc playground --port 0 prints its URL and serves until stopped', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'flowc.js'), 'playground', '--port', '0'], { cwd: ROOT });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /http:\/\/\S+/.exec(out);
          if (m) ok(m[0]);
        });
        child.on('exit', (c) => fail(new Error(`exited ${c}: ${out}`)));
        setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20_000);
      });
      expect((await fetch(url)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((ok) => child.on('exit', ok));
    expect(code).toBe(0);
  }, 30_000);
});

describe('flowc playground --build', () => {
  it('writes the page as static files with the MNIST digits', async () => {
    const dir = join(tmp('pg-build'), 'site');
    const r = await flowc('playground', '--build', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote the playground to ${dir}`);
    for (const f of [
      'index.html',
      'main.js',
      'editor-worker.js',
      'train-worker.js',
      'specs.json',
      'tfjs-backend-wasm-simd.wasm',
      'mnist/9.json',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'main.js'))).toEqual(readFileSync(join(PLAYGROUND_DIST, 'main.js')));
  });

  it('refuses a non-empty folder that is not a playground, and a bad port', async () => {
    const dir = tmp('pg-busy');
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'keep.txt'), 'mine');
    const r = await flowc('playground', '--build', join(dir, 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not empty/);
    expect(noTrace(r.err)).toBe(true);
    const p = await flowc('playground', '--port', '70000');
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/port 0\.\.65535/);
  });
});
