// Checkpoints in the page: the same bytes as runtime/checkpoint.ts writes (runtime/checkpoint-codec.ts), with
// WebCrypto's SHA-256 for the trailer.
import { build } from '../runtime/build.js';
import {
  appendDigest,
  checksumError,
  encodeCheckpointBody,
  parseCheckpointBody,
  restoreVariables,
  splitCheckpoint,
  type CheckpointState,
  type LoadedCheckpoint,
} from '../runtime/checkpoint-codec.js';
import type { FlowModel } from '../runtime/model.js';

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function encodeCheckpointWeb(model: FlowModel, state: CheckpointState): Promise<Uint8Array> {
  const body = encodeCheckpointBody(model, state);
  return appendDigest(body, await sha256(body));
}

/** a checkpoint file's bytes as a built model with its weights (CheckpointError with the reason otherwise) */
export async function decodeCheckpointWeb(
  buf: Uint8Array,
  file: string,
): Promise<{ model: FlowModel; ck: LoadedCheckpoint }> {
  const { body, digest } = splitCheckpoint(buf, file);
  const mismatch = checksumError(file, await sha256(body), digest);
  if (mismatch) throw mismatch;
  const ck = parseCheckpointBody(body, file);
  const model = build(ck.ir);
  try {
    restoreVariables(model, ck);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, ck };
}
