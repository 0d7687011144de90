// The analysis worker: a worker thread that runs the compiler for the language server (host.ts
// starts it with a heap limit and terminates it when a job runs past its time budget). It answers
// each { id, job } message with { id, ok, result } or { id, ok: false, error }. Nothing it does can
// stop the server: a crash, a stack overflow or running out of memory ends only this thread.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Handlers, type Job } from './handlers.js';

export interface WorkerRequest { id: number; job: Job }
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** marks the workerData of an analysis worker (the module also loads in the server's thread) */
export const WORKER_TAG = 'flowc-analysis-worker';

/** this module's own file: host.ts starts it as the worker */
export const WORKER_URL = new URL(import.meta.url);

function serve(): void {
  const port = parentPort!;
  // stdout belongs to the protocol in `flowc lsp`: anything printed goes to stderr
  console.log = console.error;
  const handlers = new Handlers();
  port.on('message', (m: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id: m.id, ok: true, result: handlers.run(m.job) };
    } catch (e) {
      reply = { id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
    port.postMessage(reply);
  });
}

if (!isMainThread && (workerData as { tag?: string } | undefined)?.tag === WORKER_TAG) serve();
