// The compiler's proofs (autoregressive, invertibility, directions, data, coverage, size),
// run on every checked model after name/argument/shape checking. compiler/check runs them in order;
// an error from the size check (a gate) skips the rest.
import type { ModelCheck } from '../check/model.js';
import { autoregressiveCheck } from './autoregressive.js';
import { invertibilityCheck } from './invertibility.js';
import { directionsCheck } from './directions.js';
import { dataCheck } from './data.js';
import { coverageCheck } from './coverage.js';
import { sizeCheck } from './size.js';
import { runnableCheck } from './runnable.js';

/** the size estimate runs first: a model past its limits (FC901) is not proved further */
export const PROOF_CHECKS: ModelCheck[] = [
  sizeCheck,
  autoregressiveCheck,
  invertibilityCheck,
  directionsCheck,
  dataCheck,
  coverageCheck,
  runnableCheck,
];
