// The compiler's proofs (autoregressive, invertibility, directions, data, coverage, size),
// run on every checked model after name/argument/shape checking. compiler/check runs them in order.
import type { ModelCheck } from '../check/model.js';

export const PROOF_CHECKS: ModelCheck[] = [];
