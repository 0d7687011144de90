// The five workloads of ../shared/bench/WORKLOADS.md: spec file, batch size, the deterministic
// batch stream (batch k = training rows [(k·B) mod N, (k·B) mod N + B)) and the test set.
import path from 'node:path';
import { N_TRAIN, loadMnistU8, loadMoons, mnistRows, repoRoot } from './data.js';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5';
export const WORKLOAD_IDS: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5'];

export interface HostBatches {
  /** per-example shape (without the batch axis) */
  shape: number[];
  /** the training rows, row-major, N × prod(shape) floats */
  train: Float32Array;
  nTrain: number;
  /** the test rows, where the workload has a test NLL */
  test?: Float32Array;
  nTest?: number;
  /** unit of the test NLL */
  testUnit?: 'nats/image' | 'bits/dim';
}

export interface Workload {
  id: WorkloadId;
  name: string;
  spec: string;
  batch: number;
  /** default timed steps and warm-up steps of `npm run bench` */
  steps: number;
  warmup: number;
  /** test images by default (W3: the first 256) */
  testN?: number;
  data(): HostBatches;
}

const specPath = (f: string) => path.join(repoRoot(), 'bench', 'specs', f);

function mnist(binarize: boolean, shape: number[], unit: 'nats/image' | 'bits/dim'): HostBatches {
  const u8 = loadMnistU8();
  return {
    shape,
    train: mnistRows(u8, 0, N_TRAIN, binarize),
    nTrain: N_TRAIN,
    test: mnistRows(u8, N_TRAIN, 10000, binarize),
    nTest: 10000 - N_TRAIN,
    testUnit: unit,
  };
}

export const WORKLOADS: Record<WorkloadId, Workload> = {
  W1: {
    id: 'W1',
    name: 'RealNVP-2D',
    spec: specPath('w1_realnvp2d.flow'),
    batch: 512,
    steps: 500,
    warmup: 20,
    data: () => ({ shape: [2], train: loadMoons(), nTrain: 8192 }),
  },
  W2: {
    id: 'W2',
    name: 'MADE',
    spec: specPath('w2_made.flow'),
    batch: 100,
    steps: 100,
    warmup: 5,
    testN: 2000,
    data: () => mnist(true, [784], 'nats/image'),
  },
  W3: {
    id: 'W3',
    name: 'multi-scale RealNVP',
    spec: specPath('w3_multiscale_realnvp.flow'),
    batch: 64,
    steps: 12,
    warmup: 2,
    testN: 256,
    data: () => mnist(false, [1, 28, 28], 'bits/dim'),
  },
  W4: {
    id: 'W4',
    name: 'PixelCNN',
    spec: specPath('w4_pixelcnn.flow'),
    batch: 64,
    steps: 30,
    warmup: 3,
    testN: 2000,
    data: () => mnist(true, [1, 28, 28], 'nats/image'),
  },
  W5: {
    id: 'W5',
    name: 'planar',
    spec: specPath('w5_planar.flow'),
    batch: 500,
    steps: 1000,
    warmup: 20,
    // an energy fit has no data: the trainer draws 500 fresh base samples per step; x only gives the batch size
    data: () => ({ shape: [2], train: new Float32Array(500 * 2), nTrain: 500 }),
  },
};

export function parseWorkloads(list: string | undefined): WorkloadId[] | string {
  if (!list) return WORKLOAD_IDS;
  const out: WorkloadId[] = [];
  for (const w of list
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean)) {
    if (!(WORKLOAD_IDS as string[]).includes(w)) return `unknown workload '${w}' (expected ${WORKLOAD_IDS.join(', ')})`;
    out.push(w as WorkloadId);
  }
  return out;
}
