// Bench data (../shared/bench/data, see WORKLOADS.md): little-endian, no header.
//   mnist10k_u8.bin uint8 [10000, 784] (rows 0–7999 train, 8000–9999 test), moons_8192_f32.bin float32 [8192, 2].
// The folder: FLOWC_BENCH_DATA, else ../shared/bench/data relative to the repository root.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const N_TRAIN = 8000;

/** repository root: dist/bench/*.js and bench/*.ts both sit two levels below it */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function dataDir(): string {
  return process.env.FLOWC_BENCH_DATA ?? path.resolve(repoRoot(), '..', 'shared', 'bench', 'data');
}

/** ../shared/bench (holds torch_ref.py and setup_openblas.sh) */
export function refDir(): string {
  return process.env.FLOWC_BENCH_REF ?? path.dirname(dataDir());
}

function readFile(name: string): Buffer {
  const file = path.join(dataDir(), name);
  if (!fs.existsSync(file)) {
    throw new BenchError(`bench data not found: ${file} (set FLOWC_BENCH_DATA to the folder holding ${name})`);
  }
  return fs.readFileSync(file);
}

/** an expected failure (missing data, bad flag): printed without a stack trace */
export class BenchError extends Error {}

export function loadMnistU8(): Uint8Array {
  const b = readFile('mnist10k_u8.bin');
  if (b.length !== 10000 * 784) throw new BenchError(`mnist10k_u8.bin has ${b.length} bytes, expected ${10000 * 784}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export function loadMoons(): Float32Array {
  const b = readFile('moons_8192_f32.bin');
  if (b.length !== 8192 * 2 * 4) throw new BenchError(`moons_8192_f32.bin has ${b.length} bytes, expected ${8192 * 8}`);
  const out = new Float32Array(8192 * 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

/** rows [from, to) of the MNIST bytes as float32: binarized (byte ≥ 128 → 1) or raw 0..255 */
export function mnistRows(u8: Uint8Array, from: number, to: number, binarize: boolean): Float32Array {
  const src = u8.subarray(from * 784, to * 784);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = binarize ? (src[i]! >= 128 ? 1 : 0) : src[i]!;
  return out;
}
