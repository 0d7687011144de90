// Helpers for the CLI tests: run the commander program in-process and capture its output.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/program.js';
import type { CliIO } from '../../cli/io.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const fixture = (name: string) => join(FIXTURES, name);
export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `flowc-${prefix}-`));

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export async function flowc(...argv: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false, color: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** no stack-trace lines ("    at fn (file:line:col)") */
export const noTrace = (text: string) => !/^\s+at .+:\d+:\d+\)?$/m.test(text);

/** polls `cond` every 50 ms; throws after `ms` */
export async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
