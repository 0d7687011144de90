// Checkpoints: weights + optimizer state + step + RNG state + data cursor (+ the FlowIR, so a
// checkpoint alone can be sampled or evaluated). One file, written atomically: temp file, fsync,
// rename over the old one; the previous checkpoint is kept as a hard link (`.prev`), so a crash at
// any moment leaves a loadable checkpoint. A SHA-256 trailer detects truncation and corruption.
//
// Layout: "FLOWCKPT" | u32 version | u32 headerLength | header JSON | blobs (float32/int32 LE) | sha256
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { checkedFlowIR } from './ir-check.js';

const MAGIC = Buffer.from('FLOWCKPT');
const VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoint.ckpt';
export const PREVIOUS_FILE = 'checkpoint.prev.ckpt';

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

interface BlobRef { shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }

/** Encodes values with tensors / typed arrays inside as JSON plus binary blobs. */
function encode(value: unknown, blobs: { data: Float32Array | Int32Array; ref: BlobRef }[]): unknown {
  const push = (data: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32') => {
    blobs.push({ data, ref: { shape, dtype, offset: 0, length: data.length } });
    return blobs.length - 1;
  };
  if (value instanceof tf.Tensor) {
    const dtype = value.dtype === 'int32' ? 'int32' : 'float32';
    const data = dtype === 'int32' ? Int32Array.from(value.dataSync() as Int32Array) : Float32Array.from(value.dataSync() as Float32Array);
    return { __tensor: push(data, value.shape.slice(), dtype), variable: value instanceof tf.Variable ? value.name : undefined };
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
    if (Array.isArray(o.__map)) return new Map((o.__map as [unknown, unknown][]).map(([k, v]) => [k, decode(v, blobs, refs)]));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v, blobs, refs);
    return out;
  }
  return value;
}

/** tfjs registers variable names globally; the runtime suffixes `#k` to repeats within one process */
const stableName = (name: string): string => name.replace(/#\d+$/, '');

/** Serializes a checkpoint to bytes. */
export function encodeCheckpoint(model: FlowModel, state: CheckpointState): Buffer {
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
  const hbuf = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(16);
  MAGIC.copy(pre, 0);
  pre.writeUInt32LE(VERSION, 8);
  pre.writeUInt32LE(hbuf.length, 12);
  const body = Buffer.alloc(offset);
  for (const b of blobs) {
    const bytes = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
    bytes.copy(body, b.ref.offset);
  }
  const all = Buffer.concat([pre, hbuf, body]);
  return Buffer.concat([all, createHash('sha256').update(all).digest()]);
}

export interface LoadedCheckpoint extends CheckpointState {
  /** variable name → tensor (unowned: the caller assigns then disposes) */
  variables: { name: string; tensor: tf.Tensor }[];
  file: string;
}

/** Parses checkpoint bytes; throws CheckpointError with a one-line reason if they are damaged. */
export function decodeCheckpoint(buf: Buffer, file: string): LoadedCheckpoint {
  const bad = (why: string) => new CheckpointError(`${file}: checkpoint is ${why}`);
  if (buf.length < 16 + 32 || !buf.subarray(0, 8).equals(MAGIC)) {
    throw bad(buf.length < 48 && buf.subarray(0, Math.min(8, buf.length)).equals(MAGIC.subarray(0, Math.min(8, buf.length))) ? 'truncated' : 'not a flowc checkpoint');
  }
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) throw bad(`of version ${version}; this flowc reads version ${VERSION}`);
  const body = buf.subarray(0, buf.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw bad('truncated or corrupt (checksum mismatch)');
  const hlen = buf.readUInt32LE(12);
  /** the JSON header as written by encodeCheckpoint (tensors inside as { __tensor: index } references) */
  let header: {
    blobs: BlobRef[]; variables: { name: string; __tensor: number }[]; step: number; cursor: number;
    rng?: unknown; optimizer?: unknown; meta?: Record<string, unknown>; ir: unknown;
  };
  try {
    header = JSON.parse(buf.subarray(16, 16 + hlen).toString('utf8'));
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

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on directories; the rename is still atomic
  }
}

/** Writes `dir/checkpoint.ckpt` atomically, keeping the previous one as `checkpoint.prev.ckpt`. */
export function saveCheckpoint(dir: string, model: FlowModel, state: CheckpointState): string {
  const file = join(dir, CHECKPOINT_FILE);
  const prev = join(dir, PREVIOUS_FILE);
  const tmp = join(dir, `.checkpoint.${process.pid}.tmp`);
  const bytes = encodeCheckpoint(model, state);
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(file)) {
    if (existsSync(prev)) unlinkSync(prev);
    try {
      linkSync(file, prev);
    } catch {
      copyFileSync(file, prev); // file systems without hard links
    }
  }
  renameSync(tmp, file);
  fsyncDir(dirname(file));
  return file;
}

/**
 * Loads a checkpoint from a run directory or a checkpoint file. From a directory, a damaged
 * checkpoint.ckpt falls back to checkpoint.prev.ckpt (and `warning` says so).
 */
export function loadCheckpoint(path: string): LoadedCheckpoint & { warning?: string } {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new CheckpointError(`${path}: no such run directory or checkpoint file`);
  }
  if (!isDir) return decodeCheckpoint(readFileSync(path), path);
  const main = join(path, CHECKPOINT_FILE);
  const prev = join(path, PREVIOUS_FILE);
  if (!existsSync(main) && !existsSync(prev)) throw new CheckpointError(`${path}: no checkpoint in this directory (is it a flowc run?)`);
  try {
    if (!existsSync(main)) throw new CheckpointError(`${main}: missing`);
    return decodeCheckpoint(readFileSync(main), main);
  } catch (e) {
    if (!(e instanceof CheckpointError) || !existsSync(prev)) throw e;
    let loaded: LoadedCheckpoint;
    try {
      loaded = decodeCheckpoint(readFileSync(prev), prev);
    } catch (e2) {
      if (!(e2 instanceof CheckpointError)) throw e2;
      // both are damaged: say so, rather than naming only the fallback
      throw new CheckpointError(`${e.message}, and the previous one is damaged too (${e2.message}); this run cannot be loaded`);
    }
    return { ...loaded, warning: `${e.message}; using the previous checkpoint (step ${loaded.step})` };
  }
}

/** Assigns checkpoint weights to a model's variables (by name, else by position), checking shapes. */
export function restoreVariables(model: FlowModel, ck: LoadedCheckpoint): void {
  const vars = model.variables;
  if (vars.length !== ck.variables.length) {
    throw new CheckpointError(`${ck.file}: checkpoint has ${ck.variables.length} weight tensors, the model has ${vars.length}`);
  }
  const byName = new Map(ck.variables.map((v) => [v.name, v.tensor]));
  const allNamed = vars.every((v) => byName.has(stableName(v.name)));
  vars.forEach((v, i) => {
    const t = allNamed ? byName.get(stableName(v.name))! : ck.variables[i]!.tensor;
    if (t.shape.join('x') !== v.shape.join('x')) {
      throw new CheckpointError(`${ck.file}: weight ${v.name} has shape [${t.shape}] in the checkpoint, [${v.shape}] in the model`);
    }
    v.assign(t);
  });
  for (const v of ck.variables) v.tensor.dispose();
}
