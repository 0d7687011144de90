// Which data a command runs on: `--data`, a resumed run's own sources, the spec's train { data:, test: },
// or a default for the declared shape. Spec paths follow DATA_FILE_RULES (inside the spec's folder);
// a run records its sources with absolute paths, so that eval and --resume find them from any folder.
import { dirname, resolve } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import {
  describeSource,
  heldOutRows,
  loadRows,
  parseSource,
  sourceFromSpec,
  type Dataset,
  type SourceSpec,
} from '../runtime/data/index.js';
import { checkDataFile } from '../runtime/data/files.js';
import { UsageError, UserError } from './io.js';

export interface RunSources {
  train: SourceSpec;
  /** the spec's `test:` set: replaces the hold-out */
  test?: SourceSpec;
}

type DataEntry = { source: string; args: Record<string, unknown> };

/** The data source when neither --data nor the spec names one: picked from the data declaration. */
function defaultSource(ir: FlowIR): SourceSpec | undefined {
  const D = ir.data.shape.reduce((a, b) => a * b, 1);
  if (D === 2 && ir.data.domain.kind === 'real') return parseSource('toy:moons');
  if (D === 784) return parseSource(ir.data.domain.kind === 'binary' ? 'mnist:binarized' : 'mnist');
  return undefined;
}

/**
 * The sources of a training run, in this order: `--data` (which also replaces the spec's test set), the sources
 * a resumed run recorded, the spec's, a default. `specPath` is the spec (or FlowIR file) its paths are relative to.
 */
export function trainingSources(
  ir: FlowIR,
  specPath: string,
  flag: string | undefined,
  prev: Record<string, unknown> | undefined,
): RunSources | undefined {
  const s = chooseSources(ir, specPath, flag, prev);
  // a missing file, a device or a folder is reported now, before anything heavy starts
  for (const src of [s?.train, s?.test]) if (src?.kind === 'file') checkDataFile(src.path);
  for (const src of [s?.train, s?.test]) if (src) checkLabelSource(ir, src);
  return s;
}

/** labels (a labels file or a label column) only go with a model that has a `condition` */
export function checkLabelSource(ir: FlowIR, src: SourceSpec): void {
  if (ir.condition || src.kind !== 'file' || (src.labels === undefined && src.label === undefined)) return;
  const what = src.label !== undefined ? `a label column (${src.label})` : `labels (${src.labels})`;
  throw new UserError(
    `${ir.model} has no \`condition\` declaration, so it takes no labels: ${what} were given with ${src.path}` +
      ' (declare `condition y: categorical(K)` for p(x | y), or drop the labels)',
  );
}

/** trainingSources without the check of the files (they are read, and reported, when used) */
export function chooseSources(
  ir: FlowIR,
  specPath: string,
  flag: string | undefined,
  prev: Record<string, unknown> | undefined,
): RunSources | undefined {
  if (flag) return { train: parseSource(flag) };
  if (typeof prev?.source === 'string') {
    const test = typeof prev.test === 'string' ? { test: parseSource(prev.test) } : {};
    return { train: parseSource(prev.source), ...test };
  }
  const dir = dirname(specPath);
  const t = ir.train as { data?: DataEntry; test?: DataEntry };
  const train = t.data ? sourceFromSpec(t.data, dir) : defaultSource(ir);
  if (!train) return undefined;
  return { train, ...(t.test ? { test: sourceFromSpec(t.test, dir) } : {}) };
}

/**
 * `--data FILE --labels LABELS` / `--data FILE.csv --label-column COL` as one source string (FILE?labels=LABELS,
 * FILE.csv?label=COL, which parseSource reads)
 */
export function dataWithLabels(
  data: string | undefined,
  labels: string | undefined,
  column?: string,
): string | undefined {
  if (labels === undefined && column === undefined) return data;
  const flag = column !== undefined ? '--label-column COL' : '--labels LABELS';
  if (labels !== undefined && column !== undefined) {
    throw new UsageError('--labels and --label-column: the labels come from a file or from a column, not both');
  }
  if (data === undefined) throw new UsageError(`${flag} goes with --data FILE (the rows the labels belong to)`);
  const sep = data.includes('?') ? '&' : '?';
  return column !== undefined ? `${data}${sep}label=${column}` : `${data}${sep}labels=${labels}`;
}

/** A source as the run records it: a `--data` string, file paths absolute. */
export function recordSource(s: SourceSpec): string {
  return describeSource(s.kind === 'file' ? { ...s, path: resolve(s.path) } : s);
}

/**
 * The rows `flowc eval RUN` uses without --data: the run's test set, or else the hold-out its training
 * source kept back (same seed, same rows). `meta` is the checkpoint's (or run.json's) record.
 */
export function runTestRows(meta: Record<string, unknown>, run: string): Dataset {
  const seed = (meta.config as { seed?: number } | undefined)?.seed ?? 0;
  if (typeof meta.test === 'string') return loadRows(parseSource(meta.test));
  const src = meta.source;
  if (typeof src !== 'string' || src.startsWith('energy:')) {
    throw new UserError(`${run} records no data set to evaluate on: pass --data SRC`);
  }
  return heldOutRows(parseSource(src), seed);
}
