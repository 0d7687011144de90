// NumPy .npy reader (float32/float64/int/uint/bool, either byte order, C order) and writer (<f4).
import { DATA_LIMITS } from '../../compiler/registry/data-rules.js';
import { DataError, type Dataset } from './dataset.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Reader = (v: DataView, o: number) => number;
function readerFor(descr: string): { size: number; read: Reader } | undefined {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const le = m[1] !== '>';
  const kind = m[2]!;
  const size = Number(m[3]);
  const table: Record<string, Reader | undefined> = {
    f4: (v, o) => v.getFloat32(o, le),
    f8: (v, o) => v.getFloat64(o, le),
    i1: (v, o) => v.getInt8(o),
    i2: (v, o) => v.getInt16(o, le),
    i4: (v, o) => v.getInt32(o, le),
    i8: (v, o) => Number(v.getBigInt64(o, le)),
    u1: (v, o) => v.getUint8(o),
    u2: (v, o) => v.getUint16(o, le),
    u4: (v, o) => v.getUint32(o, le),
    u8: (v, o) => Number(v.getBigUint64(o, le)),
    b1: (v, o) => v.getUint8(o),
  };
  const read = table[kind + size];
  return read ? { size, read } : undefined;
}

/** The size of an .npy file as its header states it (for reading no further), or undefined. */
export function npyDataBytes(head: Uint8Array): number | undefined {
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const hlen = head[6] === 1 ? v.getUint16(8, true) : head.length >= 12 ? v.getUint32(8, true) : Infinity;
  const hstart = head[6] === 1 ? 10 : 12;
  if (head.length < hstart + hlen) return undefined; // a header longer than the first 64 KiB: reported as truncated
  const header = new TextDecoder().decode(head.subarray(hstart, hstart + hlen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  const reader = descr ? readerFor(descr) : undefined;
  if (!reader || shapeText === undefined) return undefined;
  const count = shapeText
    .split(',')
    .filter((s) => s.trim() !== '')
    .reduce((a, s) => a * Number(s), 1);
  return Number.isFinite(count) ? hstart + hlen + count * reader.size : undefined;
}

export function parseNpy(buf: Uint8Array, file: string): Dataset {
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b))
    throw new DataError(`${file}: not a .npy file (bad magic)`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const major = buf[6]!;
  const hlen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const hstart = major === 1 ? 10 : 12;
  if (buf.length < hstart + hlen) throw new DataError(`${file}: .npy header is truncated`);
  const header = new TextDecoder().decode(buf.subarray(hstart, hstart + hlen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new DataError(`${file}: cannot read the .npy header`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const reader = readerFor(descr);
  // the dtype is quoted only when it looks like one (an error never echoes arbitrary file content)
  const shown = /^[<>|=]?[a-zA-Z]\d{0,2}$/.test(descr) ? ` '${descr}'` : '';
  if (!reader) {
    throw new DataError(`${file}: unsupported dtype${shown} (use float32, float64, uint8 or an integer type)`);
  }
  if (shape.length < 1) throw new DataError(`${file}: a 0-d array is not a data set (need shape [N, ...])`);
  if (fortran && shape.length > 1) {
    throw new DataError(`${file}: Fortran-order arrays are not supported; save with np.ascontiguousarray(x)`);
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${file}: the .npy header has a bad shape`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > DATA_LIMITS.maxValues) {
    throw new DataError(
      `${file}: its header describes ${count} values, more than the ${DATA_LIMITS.maxValues} allowed`,
    );
  }
  const off = hstart + hlen;
  if (buf.length < off + count * reader.size) {
    throw new DataError(
      `${file}: .npy data is truncated (${buf.length - off} bytes, shape needs ${count * reader.size})`,
    );
  }
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = reader.read(v, off + i * reader.size);
  return { name: file, n: shape[0]!, shape: shape.length === 1 ? [1] : shape.slice(1), x };
}

/** Encodes a float32 array of the given full shape (e.g. [N, 2]) as .npy version 1.0. */
export function encodeNpy(x: Float32Array, shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const hbytes = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + hbytes.length + x.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, hbytes.length, true);
  out.set(hbytes, 10);
  const v = new DataView(out.buffer, 10 + hbytes.length);
  for (let i = 0; i < x.length; i++) v.setFloat32(i * 4, x[i]!, true);
  return out;
}
