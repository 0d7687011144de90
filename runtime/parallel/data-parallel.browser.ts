// Browser twin of data-parallel.ts (picked by the playground's bundler, playground/build.mjs): the page trains
// in one Web Worker, so there is never a data-parallel replica.
import type { FlowModel } from '../model.js';
import type { AdamOptions, Trainer } from '../train-step.js';

export const dataParallelWanted = (): boolean => false;
export function planDataParallel(_on: boolean): void {}
export const dataParallelPlanned = (): boolean => false;
export const createDataParallelTrainer = (_m: FlowModel, _o: AdamOptions, _h: number): Trainer | null => null;
