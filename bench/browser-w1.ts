// W1 (RealNVP on two moons, batch 512) trained in the browser playground (Chromium, the training worker on
// wasm) against `npm run bench`'s W1 in Node (the way `flowc train` runs it, and on one thread), on the same
// machine one after the other. Needs Chromium (/usr/bin/chromium or FLOWC_CHROMIUM) and `npm run build`.
//
//   node dist/bench/browser-w1.js [steps=200] [warmup=20]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { playgroundDir, startServer } from '../cli/commands/playground.js';

const ROOT = join(import.meta.dirname, '..', '..');
const steps = Number(process.argv[2] ?? 200);
const warmup = Number(process.argv[3] ?? 20);
const CHROMIUM = process.env.FLOWC_CHROMIUM ?? '/usr/bin/chromium';

async function browserStepsPerSec(): Promise<{ stepsPerSec: number; backend: string; isolated: boolean }> {
  const server = await startServer(playgroundDir(), 0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
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
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'flowc-bench-'))}`,
    ],
  });
  try {
    const page = await browser.newPage();
    const spec = readFileSync(join(ROOT, 'bench', 'specs', 'w1_realnvp2d.flow')).toString('base64url');
    await page.goto(`${url}?spec=${spec}&data=toy:moons&train=${warmup}&backend=wasm`);
    const pg = 'window.flowcPlayground';
    await page.waitForFunction(`${pg}?.done || ${pg}?.error`, { timeout: 300_000, polling: 200 });
    // the timed steps: one uninterrupted loop after the warm-up (the worker's own steps/s over it)
    await page.evaluate(`${pg}.continueTraining(${steps})`);
    await page.waitForFunction(`${pg}.done || ${pg}.error`, { timeout: 600_000, polling: 200 });
    const r = (await page.evaluate(`({ e: ${pg}.error, b: ${pg}.backend, iso: crossOriginIsolated,
      t: document.getElementById('progress').textContent })`)) as {
      e: string | null;
      b: string;
      iso: boolean;
      t: string;
    };
    if (r.e) throw new Error(r.e);
    const m = /([\d.]+) steps\/s/.exec(r.t);
    return { stepsPerSec: Number(m?.[1]), backend: r.b, isolated: r.iso };
  } finally {
    await browser.close();
    server.close();
  }
}

function nodeStepsPerSec(env: Record<string, string>): { stepsPerSec: number; line: Record<string, unknown> } {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'bench.js'),
      '--workload',
      'W1',
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      '--json',
      '--no-torch',
      '--no-save',
    ],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  const line = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.workload === 'W1');
  if (!line) throw new Error(`npm run bench gave no W1 line: ${r.stderr.slice(-500)}`);
  return { stepsPerSec: Number(line.examples_per_sec) / 512, line };
}

const load0 = loadavg()[0]!;
const browser = await browserStepsPerSec();
const node = nodeStepsPerSec({});
const node1 = nodeStepsPerSec({ FLOWC_WORKERS: '0', FLOWC_WASM_THREADS: '1' });
const f = (x: number) => x.toFixed(1);
console.log(
  `W1, ${steps} timed steps after ${warmup}, batch 512; ${cpus().length} cores "${cpus()[0]?.model}", ` +
    `load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `browser (Chromium, ${browser.backend}, cross-origin isolated ${browser.isolated}): ` +
    `${f(browser.stepsPerSec)} steps/s`,
);
console.log(
  `node, as flowc train runs it (replicas ${node.line.replicas ?? 1}, ` +
    `wasm threads ${node.line.wasm_threads ?? 1}): ` +
    `${f(node.stepsPerSec)} steps/s → browser/node ${(browser.stepsPerSec / node.stepsPerSec).toFixed(2)}`,
);
console.log(
  `node, one thread: ${f(node1.stepsPerSec)} steps/s → ` +
    `browser/node ${(browser.stepsPerSec / node1.stepsPerSec).toFixed(2)}`,
);
