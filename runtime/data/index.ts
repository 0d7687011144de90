// Data sources for training and evaluation. No tfjs here: plain arrays only.
export * from './dataset.js';
export * from './source.js';
export * from './validate.js';
export { makeToy, TOY_NAMES } from './toy.js';
export { loadMnist, mnistBytes } from './mnist.js';
export { parseCsv, formatCsv } from './csv.js';
export { parseNpy, encodeNpy } from './npy.js';
export { parseIdx, encodeIdx } from './idx.js';
