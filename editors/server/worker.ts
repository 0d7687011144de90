// The analysis process: a child process (`node worker.js --flowc-analysis`) that runs the compiler
// for the language server. host.ts starts it with a heap limit and kills it when a job runs past
// its time budget. It answers each { id, job } message with { id, ok, result } or
// { id, ok: false, error }. Nothing it does can stop the server: a crash, a stack overflow or
// V8 running out of heap (which aborts a whole process, so a worker thread would not do) ends
// only this process.
import { fileURLToPath } from 'node:url';
import { Handlers, type Job } from './handlers.js';

export interface WorkerRequest {
  id: number;
  job: Job;
}
export type WorkerReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { ready: true };

/** the argument that makes this module serve (it is also imported by the server for WORKER_URL) */
export const WORKER_FLAG = '--flowc-analysis';

/** this module's own file: host.ts starts it */
export const WORKER_URL = new URL(import.meta.url);

/** answers the host's jobs with `run` (the real handlers; tests pass slow or crashing ones) */
export function serve(run: (job: Job) => unknown): void {
  // stdout is not the protocol's stream here, but keep everything on stderr like the server
  console.log = console.error;
  process.on('message', (m: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id: m.id, ok: true, result: run(m.job) };
    } catch (e) {
      reply = { id: m.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
    process.send!(reply);
  });
  // the server went away: so does its analysis process
  process.on('disconnect', () => process.exit(0));
  // loaded and listening: the host starts the first job's clock now, not while this process booted
  process.send!({ ready: true });
}

const mainScript = process.argv[1];
if (process.send && process.argv.includes(WORKER_FLAG) && mainScript && fileURLToPath(import.meta.url) === mainScript) {
  const handlers = new Handlers();
  serve((job) => handlers.run(job));
}
