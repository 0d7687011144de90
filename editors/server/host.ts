// Runs the server's jobs (handlers.ts) in an analysis process (worker.ts) with a time and memory
// budget, one job at a time. A job past its time budget gets its process killed; a process that
// runs out of heap (--max-old-space-size) or crashes ends alone. (A worker thread with
// resourceLimits is not enough: V8 aborts the whole process on some out-of-heap paths, e.g. a
// growing dictionary of `real[1000000000]`.) Either way the job's document version is marked
// over budget: its requests get the fallback answers at once and `onOverBudget` reports it (the
// server publishes one diagnostic); the next job starts a fresh worker, so the other documents
// keep being served. Without the worker's compiled file (the TypeScript sources run under a test
// runner) the jobs run in this thread, without a budget.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FALLBACK, Handlers, type Job } from './handlers.js';
import { WORKER_FLAG, WORKER_URL, type WorkerReply } from './worker.js';

export interface Budget {
  /** wall-clock time one job may take, ms (default 10,000) */
  timeMs?: number;
  /** the analysis process's heap limit (--max-old-space-size), MB (default 768) */
  memoryMb?: number;
  /** the analysis script (default: the compiled worker.js beside this file) */
  workerUrl?: URL;
  /** false: run the jobs in the server's thread, without a budget (for comparisons) */
  isolate?: boolean;
}

export interface OverBudget {
  uri: string;
  version: number;
  reason: string;
}

interface Pending {
  id: number;
  job: Job;
  resolve: (v: { ok: boolean; result: unknown }) => void;
}

const DEFAULT_TIME_MS = 10_000;
const DEFAULT_MEMORY_MB = 768;
/** how long the analysis process may take to load (a loaded machine: seconds) */
const START_MS = 60_000;

export class AnalysisHost {
  private worker: ChildProcess | undefined;
  private readonly queue: Pending[] = [];
  private running: (Pending & { timer: NodeJS.Timeout }) | undefined;
  private nextId = 1;
  /** the current analysis process has loaded (its boot does not count against a job's budget) */
  private ready = false;
  private startTimer: NodeJS.Timeout | undefined;
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
    const runnable =
      this.url.protocol === 'file:' && /\.m?js$/.test(this.url.pathname) && existsSync(fileURLToPath(this.url));
    if (budget.isolate === false || !runnable) {
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
    w?.kill('SIGKILL');
  }

  private pump(): void {
    while (!this.running && this.queue.length) {
      const { job } = this.queue[0]!;
      const skip =
        (job.method === 'diagnostics' && !this.isCurrent(job.uri, job.version)) ||
        (job.method === 'close' ? !this.worker : this.overBudget(job.uri, job.version));
      if (skip) {
        this.queue.shift()!.resolve({ ok: true, result: FALLBACK[job.method] ?? null });
        continue;
      }
      const w = this.ensureWorker();
      if (!this.ready) return; // the 'ready' message pumps again
      const p = this.queue.shift()!;
      const timer = setTimeout(() => this.fail(w, `it took longer than ${this.timeMs / 1000} s`), this.timeMs);
      this.running = { ...p, timer };
      w.send({ id: p.id, job });
    }
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const w = fork(fileURLToPath(this.url), [WORKER_FLAG], {
      execArgv: [
        ...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')),
        `--max-old-space-size=${this.memoryMb}`,
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // its output must not reach stdout (the protocol's stream in `flowc lsp`); its last words tell an out-of-heap abort
    let tail = '';
    const relay = (b: Buffer): void => {
      tail = (tail + String(b)).slice(-2000);
      // V8's native stack of an abort says nothing to a user: the reason is logged by fail()
      const text = String(b)
        .split('\n')
        .filter((l) => !/^\s*\d+: 0x[0-9a-f]+ /.test(l))
        .join('\n');
      if (text.trim()) process.stderr.write(text);
    };
    w.stdout!.on('data', relay);
    w.stderr!.on('data', relay);
    w.on('message', (m: WorkerReply) => {
      if ('ready' in m) {
        if (this.worker !== w) return;
        clearTimeout(this.startTimer);
        this.ready = true;
        this.pump();
        return;
      }
      const r = this.running;
      if (!r || r.id !== m.id || this.worker !== w) return;
      clearTimeout(r.timer);
      this.running = undefined;
      r.resolve(m.ok ? { ok: true, result: m.result } : { ok: false, result: m.error });
      this.pump();
    });
    w.on('error', (e) => this.fail(w, `the analysis could not run (${e.message})`));
    w.on('exit', (code, signal) => {
      // stderr may still be draining: give it a moment to say "heap out of memory"
      setTimeout(() => {
        const oom = /heap out of memory|Allocation failed/i.test(tail);
        this.fail(
          w,
          oom
            ? `it needed more than ${this.memoryMb} MB of memory`
            : `the analysis stopped (${signal ? `signal ${signal}` : `exit code ${code}`})`,
        );
      }, 50);
    });
    w.channel?.unref();
    w.unref();
    this.worker = w;
    this.ready = false;
    const late = `the analysis process did not start within ${START_MS / 1000} s`;
    this.startTimer = setTimeout(() => this.fail(w, late), START_MS);
    return w;
  }

  /** the running job's worker is gone or over budget: mark its document, restart lazily */
  private fail(w: ChildProcess, reason: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    clearTimeout(this.startTimer);
    w.kill('SIGKILL');
    if (!this.ready) {
      // it never started: no document is to blame; the waiting jobs get their fallbacks
      this.log(`flowc-lsp: ${reason}`);
      for (const p of this.queue.splice(0)) p.resolve({ ok: false, result: undefined });
      return;
    }
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
