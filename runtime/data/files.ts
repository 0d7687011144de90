// Reading data files (the rules of DATA_FILE_RULES in compiler/registry/data-rules.ts): where a spec's path may
// point, regular files only, and never more bytes than the file's header (or a fixed cap) accounts for.
// Error messages name the file and the problem, never the file's content.
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DATA_LIMITS, specPathProblem } from '../../compiler/registry/data-rules.js';
import { DataError } from './dataset.js';

export { DATA_LIMITS, specPathProblem };

const inside = (root: string, p: string): boolean => {
  const r = relative(root, p);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
};

/**
 * Resolves a path written in a spec against the spec's folder: it must stay inside that folder, also after
 * following symbolic links. Throws a DataError naming the path otherwise.
 */
export function resolveSpecPath(specDir: string, path: string): string {
  const problem = specPathProblem(path);
  if (problem) throw new DataError(`data path "${path}" in the spec: ${problem}`);
  const root = resolve(specDir);
  const full = resolve(root, path);
  if (!inside(root, full)) throw new DataError(`data path "${path}" in the spec leads outside the spec's folder`);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return full; // missing: reported (as "no such file") when it is read
  }
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {
    /* the root exists when the file does */
  }
  if (!inside(realRoot, real)) {
    throw new DataError(`data path "${path}" in the spec is a link that leads outside the spec's folder`);
  }
  return full;
}

function fail(path: string, e: unknown): never {
  if (e instanceof DataError) throw e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new DataError(`${path}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') throw new DataError(`${path}: cannot read it (permission denied)`);
  throw new DataError(`${path}: cannot read it (${code ?? 'read error'})`);
}

const MiB = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`;

/** Throws the DataError reading `path` would throw for a missing file or one that is not a regular file. */
export function checkDataFile(path: string): void {
  closeSync(openRegular(path).fd);
}

/** Opens a regular file for reading; devices, pipes, sockets and folders are refused before any byte is read. */
function openRegular(path: string): { fd: number; size: number } {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    fail(path, e);
  }
  if (st.isDirectory()) throw new DataError(`${path}: is a folder, not a data file`);
  if (!st.isFile()) {
    throw new DataError(`${path}: is not a regular file (a device, pipe or socket); data files must be regular files`);
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    fail(path, e);
  }
  const size = fstatSync(fd).size; // the file that was opened, not whatever the path names now
  return { fd, size };
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/**
 * The bytes of a binary data file (.idx, .npy), read only as far as `sizeFromHeader` says the data goes
 * (it gets the first bytes of the file and returns the total size, or undefined when the header is incomplete).
 * Gzip-compressed files are inflated up to the value cap.
 */
export function readBinary(
  path: string,
  headerBytes: number,
  sizeFromHeader: (head: Uint8Array) => number | undefined,
): Buffer {
  const { fd, size } = openRegular(path);
  try {
    const head = readAt(fd, Math.min(size, 2), 0);
    if (head.length === 2 && head[0] === 0x1f && head[1] === 0x8b) {
      if (size > DATA_LIMITS.maxFileBytes) {
        throw new DataError(`${path}: it has ${MiB(size)}, more than the ${MiB(DATA_LIMITS.maxFileBytes)} allowed`);
      }
      try {
        return gunzipSync(readAt(fd, size, 0), { maxOutputLength: DATA_LIMITS.maxFileBytes });
      } catch (e) {
        const big = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
        if (big) throw new DataError(`${path}: inflates to more than ${MiB(DATA_LIMITS.maxFileBytes)}`);
        throw new DataError(`${path}: gzip data is corrupt`);
      }
    }
    const first = readAt(fd, Math.min(size, headerBytes), 0);
    const need = sizeFromHeader(first);
    if (need === undefined || need <= first.length) return first;
    if (need > DATA_LIMITS.maxFileBytes) {
      const cap = MiB(DATA_LIMITS.maxFileBytes);
      throw new DataError(`${path}: its header describes ${MiB(need)} of data, more than the ${cap} allowed`);
    }
    // a shorter file is reported as truncated by the parser; a longer one's tail is not read
    return readAt(fd, Math.min(need, size), 0);
  } catch (e) {
    fail(path, e);
  } finally {
    closeSync(fd);
  }
}

/** A text data file (CSV), at most the text cap, inflated when gzip-compressed. */
export function readText(path: string): string {
  const { fd, size } = openRegular(path);
  try {
    if (size > DATA_LIMITS.maxTextBytes) {
      throw new DataError(`${path}: the file has ${MiB(size)}, more than the ${MiB(DATA_LIMITS.maxTextBytes)} allowed`);
    }
    const buf = readAt(fd, size, 0);
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        return gunzipSync(buf, { maxOutputLength: DATA_LIMITS.maxTextBytes }).toString('utf8');
      } catch (e) {
        const big = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
        const why = big ? `inflates to more than ${MiB(DATA_LIMITS.maxTextBytes)}` : 'gzip data is corrupt';
        throw new DataError(`${path}: ${why}`);
      }
    }
    return buf.toString('utf8');
  } catch (e) {
    fail(path, e);
  } finally {
    closeSync(fd);
  }
}
