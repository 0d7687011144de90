// IDX files (the MNIST / Fashion-MNIST format): big-endian, magic 0x0000 <type> <ndims>, then
// ndims uint32 sizes, then the data. Gzip is detected by its magic bytes.
import { gunzipSync } from './gunzip.js';
import { DATA_LIMITS } from '../../compiler/registry/data-rules.js';
import { DataError, type Dataset } from './dataset.js';

const TYPES: Record<number, { size: number; read: (v: DataView, o: number) => number; name: string }> = {
  0x08: { size: 1, read: (v, o) => v.getUint8(o), name: 'uint8' },
  0x09: { size: 1, read: (v, o) => v.getInt8(o), name: 'int8' },
  0x0b: { size: 2, read: (v, o) => v.getInt16(o, false), name: 'int16' },
  0x0c: { size: 4, read: (v, o) => v.getInt32(o, false), name: 'int32' },
  0x0d: { size: 4, read: (v, o) => v.getFloat32(o, false), name: 'float32' },
  0x0e: { size: 8, read: (v, o) => v.getFloat64(o, false), name: 'float64' },
};

export function maybeGunzip(buf: Uint8Array, file: string): Uint8Array {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf);
    } catch (e) {
      throw new DataError(`${file}: gzip data is corrupt (${(e as Error).message})`);
    }
  }
  return buf;
}

/** The size of an IDX file as its header states it (for reading no further), or undefined. */
export function idxDataBytes(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) return undefined;
  const type = TYPES[head[2]!];
  const nd = head[3]!;
  if (!type || head.length < 4 + 4 * nd) return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < nd; i++) count *= v.getUint32(4 + 4 * i, false);
  return 4 + 4 * nd + count * type.size;
}

export function parseIdx(raw: Uint8Array, file: string): Dataset {
  const buf = maybeGunzip(raw, file);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new DataError(`${file}: not an IDX file (bad magic number)`);
  const type = TYPES[buf[2]!];
  if (!type) throw new DataError(`${file}: unknown IDX element type 0x${buf[2]!.toString(16)}`);
  const nd = buf[3]!;
  if (nd < 1) throw new DataError(`${file}: IDX file has no dimensions`);
  if (buf.length < 4 + 4 * nd) throw new DataError(`${file}: IDX header is truncated`);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(v.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > DATA_LIMITS.maxValues) {
    throw new DataError(
      `${file}: its header describes ${count} values, more than the ${DATA_LIMITS.maxValues} allowed`,
    );
  }
  const off = 4 + 4 * nd;
  const need = off + count * type.size;
  if (buf.length < need) {
    throw new DataError(`${file}: IDX data is truncated (${buf.length} bytes, header promises ${need})`);
  }
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = type.read(v, off + i * type.size);
  return { name: file, n: dims[0]!, shape: dims.length === 1 ? [1] : dims.slice(1), x };
}

/** Writes an IDX file (uint8 or float32), for tests and exports. */
export function encodeIdx(x: ArrayLike<number>, dims: number[], type: 'uint8' | 'float32' = 'uint8'): Uint8Array {
  const size = type === 'uint8' ? 1 : 4;
  const off = 4 + 4 * dims.length;
  const buf = new Uint8Array(off + x.length * size);
  const v = new DataView(buf.buffer);
  buf[2] = type === 'uint8' ? 0x08 : 0x0d;
  buf[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < x.length; i++) {
    if (type === 'uint8') v.setUint8(off + i, x[i]!);
    else v.setFloat32(off + 4 * i, x[i]!, false);
  }
  return buf;
}
