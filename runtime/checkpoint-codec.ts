// Checkpoint bytes without Node: encode and decode the one-file format of checkpoint.ts (which adds the
// files, and the SHA-256 trailer through node:crypto). The browser playground encodes and decodes the same
// bytes with WebCrypto's SHA-256 (playground/checkpoint-web.ts).
//
// Layout: "FLOWCKPT" | u32 version | u32 headerLength | header JSON | blobs (float32/int32 LE) | sha256
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { checkedFlowIR } from './ir-check.js';

const MAGIC = new TextEncoder().encode('FLOWCKPT');
const VERSION = 1;

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export interface CheckpointState {
  /** optimizer steps taken */
  step: number;
  /** index of the first training row of the next batch */
  cursor: number;
  /** the model's RNG state (dequantization noise, ...) */
  rng?: unknown;
  /** the optimizer's state (Adam moments, step count), any mix of JSON and tensors */
  optimizer?: unknown;
  /** anything else the trainer wants back (config, data source, best loss) */
  meta: Record<string, unknown>;
  ir: FlowIR;
}

interface BlobRef {
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

/** Encodes values with tensors / typed arrays inside as JSON plus binary blobs. */
function encode(value: unknown, blobs: { data: Float32Array | Int32Array; ref: BlobRef }[]): unknown {
  const push = (data: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32') => {
    blobs.push({ data, ref: { shape, dtype, offset: 0, length: data.length } });
    return blobs.length - 1;
  };
  if (value instanceof tf.Tensor) {
    const dtype = value.dtype === 'int32' ? 'int32' : 'float32';
    const data =
      dtype === 'int32'
        ? Int32Array.from(value.dataSync() as Int32Array)
        : Float32Array.from(value.dataSync() as Float32Array);
    const variable = value instanceof tf.Variable ? value.name : undefined;
    return { __tensor: push(data, value.shape.slice(), dtype), variable };
  }
  if (value instanceof Float32Array) return { __f32: push(Float32Array.from(value), [value.length], 'float32') };
  if (value instanceof Int32Array) return { __i32: push(Int32Array.from(value), [value.length], 'int32') };
  if (Array.isArray(value)) return value.map((v) => encode(v, blobs));
  if (value instanceof Map) return { __map: [...value.entries()].map(([k, v]) => [k, encode(v, blobs)]) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, blobs);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { __num: String(value) };
  return value;
}

function decode(value: unknown, blobs: (Float32Array | Int32Array)[], refs: BlobRef[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decode(v, blobs, refs));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.__tensor === 'number') {
      const ref = refs[o.__tensor]!;
      return tf.tensor(blobs[o.__tensor]!, ref.shape, ref.dtype);
    }
    if (typeof o.__f32 === 'number') return blobs[o.__f32];
    if (typeof o.__i32 === 'number') return blobs[o.__i32];
    if (typeof o.__num === 'string') return Number(o.__num);
    if (Array.isArray(o.__map)) {
      return new Map((o.__map as [unknown, unknown][]).map(([k, v]) => [k, decode(v, blobs, refs)]));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v, blobs, refs);
    return out;
  }
  return value;
}

/** tfjs registers variable names globally; the runtime suffixes `#k` to repeats within one process */
export const stableName = (name: string): string => name.replace(/#\d+$/, '');

/** Serializes a checkpoint to bytes, without its SHA-256 trailer (appendDigest adds it). */
export function encodeCheckpointBody(model: FlowModel, state: CheckpointState): Uint8Array {
  const blobs: { data: Float32Array | Int32Array; ref: BlobRef }[] = [];
  const variables = model.variables.map((v) => ({ name: stableName(v.name), ...(encode(v, blobs) as object) }));
  const header = {
    step: state.step,
    cursor: state.cursor,
    rng: encode(state.rng, blobs),
    optimizer: encode(state.optimizer, blobs),
    meta: state.meta,
    ir: state.ir,
    variables,
    blobs: [] as BlobRef[],
  };
  let offset = 0;
  for (const b of blobs) {
    b.ref.offset = offset;
    offset += b.data.length * 4;
    header.blobs.push(b.ref);
  }
  const hbuf = new TextEncoder().encode(JSON.stringify(header));
  const all = new Uint8Array(16 + hbuf.length + offset);
  all.set(MAGIC, 0);
  const view = new DataView(all.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, hbuf.length, true);
  all.set(hbuf, 16);
  const base = 16 + hbuf.length;
  // typed arrays are little-endian on every platform tfjs runs on
  for (const b of blobs) {
    all.set(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength), base + b.ref.offset);
  }
  return all;
}

/** the body followed by its 32-byte digest */
export function appendDigest(body: Uint8Array, digest: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + digest.length);
  out.set(body, 0);
  out.set(digest, body.length);
  return out;
}

export interface LoadedCheckpoint extends CheckpointState {
  /** variable name → tensor (unowned: the caller assigns then disposes) */
  variables: { name: string; tensor: tf.Tensor }[];
  file: string;
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Checks a checkpoint's magic and version and splits it into the body and its trailer; the caller compares
 * the trailer with the body's SHA-256, then calls parseCheckpointBody.
 */
export function splitCheckpoint(buf: Uint8Array, file: string): { body: Uint8Array; digest: Uint8Array } {
  const bad = (why: string) => new CheckpointError(`${file}: checkpoint is ${why}`);
  const head = buf.subarray(0, Math.min(8, buf.length));
  if (buf.length < 16 + 32 || !bytesEqual(head, MAGIC)) {
    const truncated = buf.length < 48 && bytesEqual(head, MAGIC.subarray(0, head.length));
    throw bad(truncated ? 'truncated' : 'not a flowc checkpoint');
  }
  const version = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (version !== VERSION) throw bad(`of version ${version}; this flowc reads version ${VERSION}`);
  return { body: buf.subarray(0, buf.length - 32), digest: buf.subarray(buf.length - 32) };
}

/** the error for a trailer that does not match the body */
export function checksumError(file: string, computed: Uint8Array, stored: Uint8Array): CheckpointError | undefined {
  return bytesEqual(computed, stored)
    ? undefined
    : new CheckpointError(`${file}: checkpoint is truncated or corrupt (checksum mismatch)`);
}

/** Parses a checkpoint's body (its digest already checked); throws CheckpointError with a one-line reason. */
export function parseCheckpointBody(body: Uint8Array, file: string): LoadedCheckpoint {
  const bad = (why: string) => new CheckpointError(`${file}: checkpoint is ${why}`);
  const hlen = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(12, true);
  /** the JSON header as written by encodeCheckpointBody (tensors inside as { __tensor: index } references) */
  let header: {
    blobs: BlobRef[];
    variables: { name: string; __tensor: number }[];
    step: number;
    cursor: number;
    rng?: unknown;
    optimizer?: unknown;
    meta?: Record<string, unknown>;
    ir: unknown;
  };
  try {
    header = JSON.parse(new TextDecoder().decode(body.subarray(16, 16 + hlen)));
  } catch {
    throw bad('corrupt (unreadable header)');
  }
  const base = 16 + hlen;
  const refs = header.blobs;
  const blobs = refs.map((r) => {
    const start = base + r.offset;
    const bytes = body.subarray(start, start + r.length * 4);
    if (bytes.length !== r.length * 4) throw bad('truncated');
    const copy = new ArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    return r.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  });
  const variables = header.variables.map((v) => ({
    name: v.name,
    tensor: decode({ __tensor: v.__tensor }, blobs, refs) as tf.Tensor,
  }));
  return {
    step: header.step,
    cursor: header.cursor,
    rng: decode(header.rng, blobs, refs),
    optimizer: decode(header.optimizer, blobs, refs),
    meta: header.meta ?? {},
    ir: irOf(header.ir, file),
    variables,
    file,
  };
}

/** the checkpoint's FlowIR, validated (a CheckpointError when it is not one this flowc can build) */
function irOf(ir: unknown, file: string): FlowIR {
  try {
    return checkedFlowIR(ir, file);
  } catch (e) {
    throw new CheckpointError(e instanceof Error ? e.message : String(e));
  }
}

/** Assigns checkpoint weights to a model's variables (by name, else by position), checking shapes. */
export function restoreVariables(model: FlowModel, ck: LoadedCheckpoint): void {
  const vars = model.variables;
  if (vars.length !== ck.variables.length) {
    throw new CheckpointError(
      `${ck.file}: checkpoint has ${ck.variables.length} weight tensors, the model has ${vars.length}`,
    );
  }
  const byName = new Map(ck.variables.map((v) => [v.name, v.tensor]));
  const allNamed = vars.every((v) => byName.has(stableName(v.name)));
  vars.forEach((v, i) => {
    const t = allNamed ? byName.get(stableName(v.name))! : ck.variables[i]!.tensor;
    if (t.shape.join('x') !== v.shape.join('x')) {
      throw new CheckpointError(
        `${ck.file}: weight ${v.name} has shape [${t.shape}] in the checkpoint, [${v.shape}] in the model`,
      );
    }
    v.assign(t);
  });
  for (const v of ck.variables) v.tensor.dispose();
}
