// Saving results: bench/results/<date>.jsonl, one line per result, with the commit, machine and date.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './data.js';

export interface RunInfo {
  commit: string;
  dirty: boolean;
  date: string;
  node: string;
  nproc: number;
  cpu: string;
}

export function runInfo(): RunInfo {
  let commit = 'unknown',
    dirty = false;
  try {
    commit = execSync('git rev-parse HEAD', {
      cwd: repoRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    dirty =
      execSync('git status --porcelain', {
        cwd: repoRoot(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim().length > 0;
  } catch {
    /* not a git checkout */
  }
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return {
    commit,
    dirty,
    date: new Date().toISOString(),
    node: process.version,
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu,
  };
}

export function saveResults(
  lines: object[],
  info: RunInfo,
  dir = process.env.FLOWC_BENCH_RESULTS ?? path.join(repoRoot(), 'bench', 'results'),
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${info.date.slice(0, 10)}.jsonl`);
  fs.appendFileSync(file, lines.map((l) => JSON.stringify({ ...l, ...info }) + '\n').join(''));
  return file;
}
