// CSV: one example per row (image values flattened in C, H, W order), comma-separated, an
// optional header row (recognised by a non-numeric field in the first row), whose names are kept as `columns`
// (a label column can be named by them).
import { DATA_LIMITS } from '../../compiler/registry/data-rules.js';
import { DataError, type Dataset } from './dataset.js';

export function parseCsv(text: string, file: string): Dataset {
  const lines = text.split(/\r?\n/);
  let first = true;
  let header = false;
  let columns: string[] | undefined;
  let cols = -1;
  const values: number[] = [];
  let n = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (first) {
      first = false;
      if (
        fields.some(
          (f) => f !== '' && !/^nan$/i.test(f) && !Number.isFinite(Number(f)) && !/^[-+]?inf(inity)?$/i.test(f),
        )
      ) {
        header = true;
        columns = fields;
        continue;
      }
    }
    const row = n + 1;
    if (cols < 0) cols = fields.length;
    else if (fields.length !== cols) {
      throw new DataError(
        `${file}: row ${row} (line ${li + 1}) has ${fields.length} columns, the first row has ${cols}`,
      );
    }
    if (values.length + fields.length > DATA_LIMITS.maxValues) {
      throw new DataError(`${file}: more than ${DATA_LIMITS.maxValues} values`);
    }
    fields.forEach((f, c) => {
      if (f === '') throw new DataError(`${file}: row ${row} (line ${li + 1}), column ${c + 1} is empty`);
      const v = /^nan$/i.test(f)
        ? NaN
        : /^[-+]?inf(inity)?$/i.test(f)
          ? f.startsWith('-')
            ? -Infinity
            : Infinity
          : Number(f);
      if (Number.isNaN(v) && !/^nan$/i.test(f)) {
        // never quote the field: the file may not be data at all (an error must not echo its content)
        throw new DataError(`${file}: row ${row} (line ${li + 1}), column ${c + 1} is not a number`);
      }
      values.push(v);
    });
    n++;
  }
  if (n === 0) throw new DataError(`${file}: no data rows${header ? ' (only a header)' : ''}`);
  if (columns && columns.length !== cols) {
    throw new DataError(`${file}: the header has ${columns.length} names, the rows have ${cols} columns`);
  }
  return { name: file, n, shape: [cols], x: Float32Array.from(values), ...(columns ? { columns } : {}) };
}

/** Formats rows as CSV (one example per line). */
export function formatCsv(x: ArrayLike<number>, n: number): string {
  const d = x.length / n;
  const out: string[] = [];
  for (let r = 0; r < n; r++) {
    const row: string[] = [];
    for (let c = 0; c < d; c++) row.push(String(x[r * d + c]));
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}
