// Runs the server's jobs (handlers.ts) in an analysis worker with a time and memory budget, one
// job at a time. A job past its time budget gets its worker terminated; a worker that runs out of
// heap (resourceLimits) or crashes ends alone. Either way the job's document version is marked
// over budget: its requests get the fallback answers at once and `onOverBudget` reports it (the
// server publishes one diagnostic); the next job starts a fresh worker, so the other documents
// keep being served. Without the worker's compiled file (the TypeScript sources run under a test
// runner) the jobs run in this thread, without a budget.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FALLBACK, Handlers, type Job } from './handlers.js';
import { WORKER_TAG, WORKER_URL, type WorkerReply } from './worker.js';

export interface Budget {
  /** wall-clock time one job may take, ms (default 10,000) */
  timeMs?: number;
  /** the worker's old-generation heap limit, MB (default 768) */
  memoryMb?: number;
  /** the worker script (default: the compiled worker.js beside this file) */
  workerUrl?: URL;
}

export interface OverBudget { uri: string; version: number; reason: string }

interface Pending { id: number; job: Job; resolve: (v: { ok: boolean; result: unknown }) => void }

const DEFAULT_TIME_MS = 10_000;
const DEFAULT_MEMORY_MB = 768;

export class AnalysisHost {
  private worker: Worker | undefined;
  private readonly queue: Pending[] = [];
  private running: (Pending & { timer: NodeJS.Timeout }) | undefined;
  private nextId = 1;
  private inline: Handlers | undefined;
  /** uri → the version that went over budget, and why */
  private readonly over = new Map<string, OverBudget>();
  readonly timeMs: number;
  readonly memoryMb: number;
  private readonly url: URL;

  constructor(
    budget: Budget,
    private readonly onOverBudget: (o: OverBudget) => void,
    private readonly log: (message: string) => void,
    /** drop a queued diagnostics job when its version is no longer the document's */
    private readonly isCurrent: (uri: string, version: number) => boolean = () => true,
  ) {
    this.timeMs = budget.timeMs ?? DEFAULT_TIME_MS;
    this.memoryMb = budget.memoryMb ?? DEFAULT_MEMORY_MB;
    this.url = budget.workerUrl ?? WORKER_URL;
    if (this.url.protocol !== 'file:' || !/\.m?js$/.test(this.url.pathname) || !existsSync(fileURLToPath(this.url))) {
      this.inline = new Handlers();
    }
  }

  /** whether jobs run in a worker (with a budget) rather than in this thread */
  get isolated(): boolean {
    return this.inline === undefined;
  }

  overBudget(uri: string, version: number): OverBudget | undefined {
    const o = this.over.get(uri);
    return o && o.version === version ? o : undefined;
  }

  /** the job's result, or FALLBACK[method] when the document is over budget or the job failed */
  async run(job: Job): Promise<unknown> {
    const fallback = FALLBACK[job.method] ?? null;
    if (job.method !== 'close' && this.overBudget(job.uri, job.version)) return fallback;
    if (job.method === 'close') this.over.delete(job.uri);
    if (this.inline) {
      try {
        return this.inline.run(job);
      } catch (e) {
        this.log(`flowc-lsp: ${job.method} failed: ${(e as Error)?.stack ?? String(e)}`);
        return fallback;
      }
    }
    const r = await new Promise<{ ok: boolean; result: unknown }>((resolve) => {
      this.queue.push({ id: this.nextId++, job, resolve });
      this.pump();
    });
    if (r.ok) return r.result;
    if (typeof r.result === 'string') this.log(`flowc-lsp: ${job.method} failed: ${r.result}`);
    return fallback;
  }

  /** stops the worker (server shutdown) */
  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private pump(): void {
    while (!this.running && this.queue.length) {
      const p = this.queue.shift()!;
      const { job } = p;
      const skip = (job.method === 'diagnostics' && !this.isCurrent(job.uri, job.version))
        || (job.method !== 'close' && this.overBudget(job.uri, job.version));
      if (skip) {
        p.resolve({ ok: true, result: FALLBACK[job.method] ?? null });
        continue;
      }
      const w = this.ensureWorker();
      const timer = setTimeout(() => this.fail(w, `it took longer than ${this.timeMs / 1000} s`), this.timeMs);
      this.running = { ...p, timer };
      w.postMessage({ id: p.id, job });
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url, {
      workerData: { tag: WORKER_TAG },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      stdout: true,
      stderr: true,
    });
    // the worker's output must not reach stdout (the protocol's stream in `flowc lsp`)
    w.stdout.on('data', (b: Buffer) => process.stderr.write(b));
    w.stderr.on('data', (b: Buffer) => process.stderr.write(b));
    w.on('message', (m: WorkerReply) => {
      const r = this.running;
      if (!r || r.id !== m.id || this.worker !== w) return;
      clearTimeout(r.timer);
      this.running = undefined;
      r.resolve(m.ok ? { ok: true, result: m.result } : { ok: false, result: m.error });
      this.pump();
    });
    w.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(w, oom ? `it needed more than ${this.memoryMb} MB of memory` : `the analysis crashed (${e.message})`);
    });
    w.on('exit', (code) => this.fail(w, `the analysis stopped (exit code ${code})`));
    w.unref();
    this.worker = w;
    return w;
  }

  /** the running job's worker is gone or over budget: mark its document, restart lazily */
  private fail(w: Worker, reason: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    void w.terminate();
    const r = this.running;
    this.running = undefined;
    if (r) {
      clearTimeout(r.timer);
      const o: OverBudget = { uri: r.job.uri, version: r.job.version, reason };
      if (r.job.method !== 'close') {
        this.over.set(r.job.uri, o);
        this.onOverBudget(o);
      }
      r.resolve({ ok: false, result: undefined });
    }
    this.pump();
  }
}
