// Browser twin of files.ts (picked by the playground's bundler, playground/build.mjs): a page has no file
// system; the playground's data are the toy sets, MNIST (fetched) and files the user uploads (parsed from bytes).
import { DATA_LIMITS, specPathProblem } from '../../compiler/registry/data-rules.js';
import { DataError } from './dataset.js';

export { DATA_LIMITS, specPathProblem };

const refuse = (path: string): never => {
  throw new DataError(`${path}: the playground reads no files by path; upload the file (CSV or NPY) instead`);
};
export const resolveSpecPath = (_dir: string, path: string): string => refuse(path);
export const checkDataFile = (path: string): void => refuse(path);
export const readBinary = (path: string, ..._rest: unknown[]): Uint8Array => refuse(path);
export const readText = (path: string): string => refuse(path);
