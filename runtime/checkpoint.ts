// Checkpoints: weights + optimizer state + step + RNG state + data cursor (+ the FlowIR, so a
// checkpoint alone can be sampled or evaluated). One file, written atomically: temp file, fsync,
// rename over the old one; the previous checkpoint is kept as a hard link (`.prev`), so a crash at
// any moment leaves a loadable checkpoint. A SHA-256 trailer detects truncation and corruption.
//
// Layout (checkpoint-codec.ts): "FLOWCKPT" | u32 version | u32 headerLength | header JSON | blobs | sha256
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { FlowModel } from './model.js';
import {
  appendDigest,
  CheckpointError,
  checksumError,
  encodeCheckpointBody,
  parseCheckpointBody,
  splitCheckpoint,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint-codec.js';

export const CHECKPOINT_FILE = 'checkpoint.ckpt';
export const PREVIOUS_FILE = 'checkpoint.prev.ckpt';

export { CheckpointError, restoreVariables, type CheckpointState, type LoadedCheckpoint } from './checkpoint-codec.js';

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();

/** Serializes a checkpoint to bytes (with its SHA-256 trailer). */
export function encodeCheckpoint(model: FlowModel, state: CheckpointState): Buffer {
  const body = encodeCheckpointBody(model, state);
  return Buffer.from(appendDigest(body, sha256(body)));
}

/** Parses checkpoint bytes; throws CheckpointError with a one-line reason if they are damaged. */
export function decodeCheckpoint(buf: Uint8Array, file: string): LoadedCheckpoint {
  const { body, digest } = splitCheckpoint(buf, file);
  const mismatch = checksumError(file, sha256(body), digest);
  if (mismatch) throw mismatch;
  return parseCheckpointBody(body, file);
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
  if (!existsSync(main) && !existsSync(prev))
    throw new CheckpointError(`${path}: no checkpoint in this directory (is it a flowc run?)`);
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
      throw new CheckpointError(
        `${e.message}, and the previous one is damaged too (${e2.message}); this run cannot be loaded`,
      );
    }
    return { ...loaded, warning: `${e.message}; using the previous checkpoint (step ${loaded.step})` };
  }
}
