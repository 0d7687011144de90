// The compiler's proofs (autoregressive, invertibility, directions, data, coverage, size),
// run on every checked model after name/argument/shape checking. compiler/check runs them in order.
import type { ModelCheck } from '../check/model.js';
import { autoregressiveCheck } from './autoregressive.js';
import { invertibilityCheck } from './invertibility.js';
import { directionsCheck } from './directions.js';
import { dataCheck } from './data.js';
import { coverageCheck } from './coverage.js';
import { sizeCheck } from './size.js';

export const PROOF_CHECKS: ModelCheck[] = [autoregressiveCheck, invertibilityCheck, directionsCheck, dataCheck, coverageCheck, sizeCheck];
