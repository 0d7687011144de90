// The playground in a real browser: Debian's Chromium driven by puppeteer-core against `flowc playground`'s
// server. A spec with an error shows the diagnostic on its line, the fix clears it; hover, completion and the
// explain table answer; two moons trains for 300 steps in the worker (the loss falls, the density is drawn);
// samples come back; a checkpoint downloaded from the page gives `flowc eval` the page's NLL (1e-4 relative),
// and a run trained by `flowc train` opened through the page's file picker gives the page `flowc eval`'s NLL.
// Prints the backend that ran and the diagnostics latency; UPDATE_SCREENSHOT=1 writes docs/playground.png.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startServer } from '../../cli/commands/playground.js';
import { ROOT, useFreshDist } from '../support/dist.js';
import { useFreshPlayground } from '../support/playground.js';

const CHROMIUM = process.env.FLOWC_CHROMIUM ?? '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const MISSING = `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`;
if (!HAVE && process.env.CI !== 'true') console.log(`skipping the browser tests: ${MISSING}`);

useFreshDist('dist/cli/main.js', ['compiler', 'grammar', 'runtime', 'cli']);
useFreshPlayground();

const scratch = mkdtempSync(join(tmpdir(), 'flowc-browser-'));
const MOONS = readFileSync(join(ROOT, 'specs', 'two_moons.flow'), 'utf8');
const EVAL_DATA = 'toy:moons?n=500&seed=11';
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** flowc as a user runs it (the compiled CLI), one thread */
function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'flowc.js'), ...args], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, FLOWC_WORKERS: '0', FLOWC_WASM_THREADS: '1', NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** `flowc eval RUN --data SRC`'s NLL from its per-example log-probabilities (full float precision) */
function cliNll(run: string): number {
  const per = join(scratch, `per-${Date.now()}.csv`);
  const r = cli('eval', run, '--data', EVAL_DATA, '--per-example', per);
  expect(r.code, r.err).toBe(0);
  const lp = readFileSync(per, 'utf8').trim().split('\n').map(Number);
  expect(lp.length).toBe(500);
  return -lp.reduce((a, b) => a + b, 0) / lp.length;
}

const wait = (page: Page, fn: string, timeout = 60_000) => page.waitForFunction(fn, { timeout, polling: 100 });

describe.runIf(HAVE || process.env.CI === 'true')('the playground in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    if (!HAVE) throw new Error(MISSING);
    server = await startServer(playgroundDir(), 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(scratch, 'profile')}`,
      ],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 860 });
    page.on('pageerror', (e) => console.log(`page error: ${(e as Error).message}`));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows a diagnostic on the line of the error, and none once it is fixed', async () => {
    const broken = MOONS.replace('coupling(affine', 'couplng(affine');
    const line = broken.slice(0, broken.indexOf('couplng')).split('\n').length;
    await page.goto(`${base}?spec=${b64url(broken)}`);
    await wait(page, 'window.flowcPlayground?.diagnostics.some((d) => d.severity === "error")');
    const diags = await page.evaluate(() => window.flowcPlayground.diagnostics);
    expect(diags.map((d) => [d.line, d.code])).toEqual([[line, expect.stringMatching(/^FC2\d\d$/)]]);
    expect(diags[0]!.message + (diags[0]!.hint ?? '')).toMatch(/coupling/); // did you mean
    // the underline is in the editor, the list beside it
    await wait(page, 'document.querySelector(".cm-lintRange-error") !== null');
    expect(await page.$eval('#diagnostics', (e) => e.textContent)).toContain(`${line}:`);
    await page.evaluate((t) => window.flowcPlayground.setSpec(t, 'two_moons.flow'), MOONS);
    await wait(page, 'window.flowcPlayground.diagnostics.length === 0 && window.flowcPlayground.explain.length === 1');
    const ex = await page.evaluate(() => window.flowcPlayground.explain[0]);
    expect(ex!.rows.filter((r) => r.kind === 'coupling')).toHaveLength(8);
    expect(await page.$eval('#explain', (e) => e.textContent)).toContain('block-triangular');
  }, 60_000);

  it("hover shows the layer's explain row, completion offers the registry, format is flowc fmt", async () => {
    const at = MOONS.indexOf('coupling(') + 2;
    const h = await page.evaluate((o) => window.flowcPlayground.hover(o), at);
    expect(h?.markdown).toMatch(/coupling/);
    expect(h?.markdown).toMatch(/log/);
    // the mouse over `coupling` in the editor: the tooltip shows the layers as a table
    await page.evaluate((t) => window.flowcPlayground.setSpec(t, 'two_moons.flow'), MOONS);
    await wait(page, 'window.flowcPlayground.explain.length === 1');
    const box = await page.evaluate(() => {
      const line = [...document.querySelectorAll('.cm-line')].find((l) => l.textContent!.includes('coupling('))!;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf('coupling');
        if (i < 0) continue;
        const r = document.createRange();
        r.setStart(n, i + 2);
        r.setEnd(n, i + 3);
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
      return null;
    });
    await page.mouse.move(box!.x, box!.y);
    await wait(page, 'document.querySelector(".pg-hover table") !== null', 10_000);
    expect(await page.$eval('.pg-hover', (e) => e.textContent)).toMatch(/block-triangular/);
    await page.mouse.move(1, 1);
    const inCall = MOONS.indexOf('mask: alternate');
    const items = await page.evaluate((o) => window.flowcPlayground.complete(o), inCall);
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['scale', 'net']));
    await page.evaluate(() =>
      window.flowcPlayground.setSpec(
        'let  w=3\nmodel M { data x: real[2]\nprior normal\n' +
          'flow { coupling(affine,mask:alternate,net:mlp(w)) } }\n',
        'fmt.flow',
      ),
    );
    await page.evaluate(() => window.flowcPlayground.format());
    await wait(page, 'window.flowcPlayground.text.startsWith("let w = 3\\n")');
    // the same text flowc fmt --write makes of it
    const f = join(scratch, 'fmt.flow');
    writeFileSync(
      f,
      'let  w=3\nmodel M { data x: real[2]\nprior normal\n' + 'flow { coupling(affine,mask:alternate,net:mlp(w)) } }\n',
    );
    expect(cli('fmt', '--write', f).code).toBe(0);
    expect(await page.evaluate(() => window.flowcPlayground.text)).toBe(readFileSync(f, 'utf8'));
  }, 60_000);

  it('diagnostics follow a keystroke on the largest spec of the library', async () => {
    const largest = ['realnvp_mnist.flow', 'flowpp_dequant.flow', 'pixelcnn_mnist.flow']
      .map((n) => ({ n, t: readFileSync(join(ROOT, 'specs', n), 'utf8') }))
      .sort((a, b) => b.t.length - a.t.length)[0]!;
    await page.evaluate((t, n) => window.flowcPlayground.setSpec(t, n), largest.t, largest.n);
    await wait(page, 'window.flowcPlayground.diagnostics.length === 0 && window.flowcPlayground.explain.length > 0');
    const lat: number[] = [];
    for (let k = 0; k < 5; k++) {
      const before = await page.evaluate(() => window.flowcPlayground.analyses);
      await page.evaluate((k) => window.flowcPlayground.type(k % 2 ? '\n' : ' ', 0), k);
      await wait(page, `window.flowcPlayground.analyses > ${before}`);
      lat.push(await page.evaluate(() => window.flowcPlayground.latencyMs));
    }
    console.log(
      `diagnostics latency after a keystroke on ${largest.n} (${largest.t.length} chars): ` +
        `${lat.map((l) => l.toFixed(0)).join(', ')} ms (median ${[...lat].sort((a, b) => a - b)[2]!.toFixed(0)} ms)`,
    );
    expect(lat.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
  }, 60_000);

  it('trains two moons for 300 steps from the URL: the loss falls and the density is drawn; samples', async () => {
    const spec = b64url(MOONS);
    await page.goto(`${base}?spec=${spec}&data=toy:moons&train=300&backend=wasm`);
    await wait(page, 'window.flowcPlayground?.done || window.flowcPlayground?.error', 90_000);
    const s = await page.evaluate(() => ({
      e: window.flowcPlayground.error,
      b: window.flowcPlayground.backend,
      step: window.flowcPlayground.step,
      losses: window.flowcPlayground.losses.map((x) => x.loss),
      blank: !window.flowcPlayground.densityNonBlank,
      iso: crossOriginIsolated,
    }));
    console.log(
      `browser training ran on the ${s.b} backend (cross-origin isolated: ${s.iso}); loss ` +
        `${s.losses[0]?.toFixed(3)} → ${s.losses.at(-1)?.toFixed(3)}`,
    );
    expect(s.e).toBeNull();
    expect(s.b).toBe('wasm');
    expect(s.step).toBe(300);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const k = Math.max(3, Math.floor(s.losses.length / 5));
    expect(mean(s.losses.slice(-k))).toBeLessThan(mean(s.losses.slice(0, k)) - 0.3);
    expect(s.blank).toBe(false);
    const pts = await page.evaluate(() => window.flowcPlayground.sample(200, 0.8, 3));
    expect(pts).toHaveLength(400);
    expect(pts.every(Number.isFinite)).toBe(true);
    const shot = join(scratch, 'playground.png');
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'playground.png'));
  }, 120_000);

  it('Stop and Continue between steps; the temperature narrows the samples', async () => {
    await page.$eval('#steps', (e) => ((e as HTMLInputElement).value = '100000'));
    await page.click('#continue');
    await wait(page, 'window.flowcPlayground.training && window.flowcPlayground.step > 320');
    await page.click('#stop');
    await wait(page, '!window.flowcPlayground.training');
    const stopped = await page.evaluate(() => window.flowcPlayground.step);
    expect(stopped).toBeGreaterThan(320);
    expect(stopped).toBeLessThan(100_300);
    expect(await page.$eval('#progress', (e) => e.textContent)).toMatch(/^stopped TwoMoons/);
    await page.evaluate(() => window.flowcPlayground.continueTraining(25));
    await wait(page, `window.flowcPlayground.done && window.flowcPlayground.step === ${stopped + 25}`);
    const spread = async (t: number) => {
      const p = await page.evaluate((t) => window.flowcPlayground.sample(400, t, 5), t);
      const n = p.length / 2;
      const [mx, my] = [0, 1].map((c) => p.filter((_, i) => i % 2 === c).reduce((a, b) => a + b, 0) / n);
      return p.filter((_, i) => i % 2 === 0).reduce((a, x, i) => a + Math.hypot(x - mx!, p[2 * i + 1]! - my!), 0) / n;
    };
    const [cold, warm] = [await spread(0.2), await spread(1)];
    expect(cold).toBeLessThan(warm);
  }, 60_000);

  it("a checkpoint downloaded from the page gives flowc eval and flowc sample the page's model", async () => {
    const pageNll = await page.evaluate((d) => window.flowcPlayground.nll(d), EVAL_DATA);
    const ckpt = join(scratch, 'page.ckpt');
    writeFileSync(ckpt, Buffer.from(await page.evaluate(() => window.flowcPlayground.checkpointBase64()), 'base64'));
    const nll = cliNll(ckpt);
    console.log(`page → CLI: page NLL ${pageNll}, flowc eval ${nll}`);
    expect(Math.abs(nll - pageNll) / Math.abs(nll)).toBeLessThan(1e-4);
    const r = cli('sample', ckpt, '-n', '50', '-o', join(scratch, 'page-samples.csv'));
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(join(scratch, 'page-samples.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(50);
  }, 60_000);

  it("a run trained by flowc train, opened with the file picker, gives the page flowc eval's NLL", async () => {
    const t = cli('train', join(ROOT, 'specs', 'two_moons.flow'), '--steps', '40', '--out', 'cli-run', '--no-pictures');
    expect(t.code, t.err).toBe(0);
    const run = join(scratch, 'cli-run');
    const input = (await page.$('#open')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(join(run, 'checkpoint.ckpt'));
    await wait(page, 'document.getElementById("progress").textContent.startsWith("opened")');
    expect(await page.$eval('#progress', (e) => e.textContent)).toMatch(/opened TwoMoons \(step 40\)/);
    const pageNll = await page.evaluate((d) => window.flowcPlayground.nll(d), EVAL_DATA);
    const nll = cliNll(run);
    console.log(`CLI → page: flowc eval ${nll}, page NLL ${pageNll}`);
    expect(Math.abs(nll - pageNll) / Math.abs(nll)).toBeLessThan(1e-4);
    // a damaged file is refused with the reason, not a stack trace
    const bad = join(scratch, 'bad.ckpt');
    writeFileSync(bad, readFileSync(join(run, 'checkpoint.ckpt')).subarray(0, 200));
    await input.uploadFile(bad);
    await wait(page, 'document.getElementById("progress").textContent.startsWith("could not open")');
    expect(await page.$eval('#progress', (e) => e.textContent)).toMatch(/bad\.ckpt: checkpoint is/);
  }, 90_000);

  it('trains on an uploaded CSV file, and draws MNIST samples as a grid', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${Math.cos(i / 30).toFixed(4)},${Math.sin(i / 30).toFixed(4)}`);
    const csv = join(scratch, 'ring.csv');
    writeFileSync(csv, `x,y\n${rows.join('\n')}\n`);
    await page.evaluate((t) => window.flowcPlayground.setSpec(t, 'two_moons.flow'), MOONS);
    await page.select('#data', 'upload');
    await ((await page.$('#upload')) as ElementHandle<HTMLInputElement>).uploadFile(csv);
    await page.$eval('#steps', (e) => ((e as HTMLInputElement).value = '20'));
    await new Promise((r) => setTimeout(r, 200));
    await page.click('#train');
    await wait(page, 'window.flowcPlayground.done || window.flowcPlayground.error');
    expect(await page.evaluate(() => window.flowcPlayground.error)).toBeNull();
    expect(await page.evaluate(() => window.flowcPlayground.step)).toBe(20);
    const tiny =
      'model Digits {\n  data x: binary[784]\n  order natural\n  conditional nade(hidden: 8)\n' +
      '  likelihood bernoulli\n  train { data: mnist(binarized: true), batch: 16, steps: 3 }\n}\n';
    await page.evaluate((t) => window.flowcPlayground.setSpec(t, 'digits.flow'), tiny);
    await page.select('#data', '');
    const before = await page.evaluate(() => window.flowcPlayground.samplesDrawn);
    await page.evaluate(() => window.flowcPlayground.train(3));
    await wait(page, 'window.flowcPlayground.done || window.flowcPlayground.error', 90_000);
    expect(await page.evaluate(() => window.flowcPlayground.error)).toBeNull();
    await wait(page, `window.flowcPlayground.samplesDrawn > ${before}`);
    const lit = await page.$eval('#picture', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 320, 320).data;
      let white = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 200) white++;
      return white / (d.length / 4);
    });
    expect(lit).toBeGreaterThan(0.01);
    expect(lit).toBeLessThan(0.99);
  }, 120_000);
});

declare global {
  interface Window {
    flowcPlayground: {
      diagnostics: { line: number; col: number; code: string; severity: string; message: string; hint?: string }[];
      explain: { rows: { kind: string }[] }[];
      analyses: number;
      latencyMs: number;
      densityNonBlank: boolean;
      samplesDrawn: number;
      training: boolean;
      step: number;
      loss: number;
      done: boolean;
      losses: { step: number; loss: number }[];
      backend: string | null;
      error: string | null;
      text: string;
      setSpec(text: string, name?: string): void;
      type(text: string, offset?: number): void;
      format(): Promise<void>;
      hover(offset: number): Promise<{ markdown: string } | null>;
      complete(offset: number): Promise<{ label: string }[]>;
      sample(n: number, temperature?: number, seed?: number): Promise<number[]>;
      nll(source: string): Promise<number>;
      checkpointBase64(): Promise<string>;
      continueTraining(steps: number): Promise<void>;
      train(steps: number, data?: string): Promise<void>;
    };
  }
}
