// run.json: what a run is (the spec's text, a hash of the model's FlowIR) and what it did (the
// history: which steps ran with which data and hyper-parameters). `flowc train --resume` uses it
// to refuse a model it cannot continue; `--out` uses it to tell a run from any other folder.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import { UserError } from './io.js';

export const RUN_FILE = 'run.json';

/** One training session of a run: steps [from, to] with these settings. */
export interface RunSegment {
  from: number;
  /** the last step checkpointed by this session */
  to: number;
  /** the step count asked for */
  target: number;
  lr: number;
  batch: number;
  seed: number;
  data: string;
  /** the test set, when the spec or the data gives one */
  test?: string;
  started: string;
  ended?: string;
  /** running (or killed, if a later session found it so), done, interrupted (SIGTERM, ...), non-finite */
  status: string;
}

export interface RunRecord {
  spec: string;
  model: string;
  data: string;
  backend: string;
  started: string;
  config: object;
  /** the spec's text when the run started */
  specText?: string;
  /** modelHash(ir) of the trained model */
  modelHash?: string;
  history?: RunSegment[];
  [k: string]: unknown;
}

/** The parts of the FlowIR that define the model: not the train block, estimates or source locations. */
function modelPart(ir: FlowIR): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if (k !== 'at') out[k] = strip((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  const { train: _t, totals: _s, ...rest } = ir;
  return strip(rest);
}

/** A short hash of the model a FlowIR describes (equal for specs that differ only in layout or train { }). */
export function modelHash(ir: FlowIR): string {
  return createHash('sha256')
    .update(JSON.stringify(modelPart(ir)))
    .digest('hex')
    .slice(0, 16);
}

const show = (v: unknown): string => {
  const t = JSON.stringify(v) ?? 'nothing';
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

/** Where two models differ: up to `max` lines "path: A in the run, B in the spec". */
export function modelDiff(run: FlowIR, now: FlowIR, max = 6): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string, at?: string) => {
    if (out.length > 4 * max) return;
    const where = at ? ` (${at})` : '';
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length && (a.length > 8 || b.length > 8)) {
      out.push(`${path}: ${a.length} entries in the run, ${b.length} in the spec${where}`);
    } else if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push(`${path}: ${show(a)} in the run, ${show(b)} in the spec${where}`);
      else a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, (b[i] as { at?: string })?.at ?? at));
    } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'at');
      const ra = a as Record<string, unknown>,
        rb = b as Record<string, unknown>;
      for (const k of keys) walk(ra[k], rb[k], path ? `${path}.${k}` : k, at);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path}: ${show(a)} in the run, ${show(b)} in the spec${where}`);
    }
  };
  const { train: _a, totals: _b, ...r } = run;
  const { train: _c, totals: _d, ...n } = now;
  walk(r, n, '');
  // a layer's parameter shapes follow from its arguments: show them only when nothing else differs
  const own = out.filter((l) => !/\.params\[\d+\]/.test(l));
  if (own.length > 0 && own.length < out.length) out.splice(0, out.length, ...own);
  if (out.length > max) out.splice(max, out.length - max, '...');
  return out;
}

export function readRunRecord(dir: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Writes run.json through a temporary file and a rename (a kill never leaves half a file). */
export function writeRunRecord(dir: string, rec: RunRecord): void {
  const tmp = join(dir, `.${RUN_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n');
  renameSync(tmp, join(dir, RUN_FILE));
}

/**
 * `--out DIR` of a new run: a missing or empty folder, or (with --force) any folder. A folder that
 * already holds a run is refused by the caller (it can be resumed instead).
 */
export function checkNewRunDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`--out ${dir}: it is a file, not a folder`);
  const entries = readdirSync(dir);
  if (entries.length === 0 || force) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, ... (${entries.length} entries)` : '');
  throw new UserError(
    `--out ${dir}: the folder is not empty and holds no flowc run (${shown}); ` +
      'pick a new or empty folder, or pass --force to write the run into it',
  );
}

/**
 * The history a resumed run keeps: the sessions that got steps before `step` (the checkpoint it
 * continues from), cut at that step; a session still marked running was killed.
 */
export function historyUpTo(history: RunSegment[], step: number): RunSegment[] {
  return history
    .filter((s) => s.from < step)
    .map((s) => ({ ...s, to: Math.min(s.to, step), status: s.status === 'running' ? 'killed' : s.status }));
}
