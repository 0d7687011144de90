// FC45x..FC49x: shapes — masks against the data shape, latent/prior shapes, data shapes.
// (Layer shape rules such as squeeze on odd H/W report the registry's own codes.)
import type { DiagnosticDef } from '../../grammar/diagnostic.js';

const fmt = (s: number[]): string => `[${s.join(', ')}]`;

export const CHECKERBOARD_ON_VECTOR: DiagnosticDef<{ shape: number[] }> = {
  code: 'FC450',
  severity: 'error',
  title: 'checkerboard mask on vector data',
  message: (p) => `a checkerboard mask needs image data [C, H, W], but this layer's input is ${fmt(p.shape)}`,
  hint: () => 'use `alternate` or `half` for vectors',
};

export const MASK_LENGTH: DiagnosticDef<{ length: number; size: number; shape: number[] }> = {
  code: 'FC451',
  severity: 'error',
  title: 'literal mask length differs from the input size',
  message: (p) => `literal mask has ${p.length} entries, but this layer's input ${fmt(p.shape)} has ${p.size}`,
  hint: (p) => `give exactly ${p.size} entries (one per input dimension, flattened C·H·W)`,
};

export const LATENT_SHAPE: DiagnosticDef<{ flow: number[]; latent: number[] }> = {
  code: 'FC452',
  severity: 'error',
  title: 'final latent shape differs from the prior shape',
  message: (p) => `the flow ends with shape ${fmt(p.flow)}, but the latent/prior shape is ${fmt(p.latent)}`,
  hint: () => 'make the declared latent shape match the output of the last flow layer',
};

export const DATA_SHAPE: DiagnosticDef<{ shape: string; why: string }> = {
  code: 'FC453',
  severity: 'error',
  title: 'invalid data shape',
  message: (p) => `invalid shape ${p.shape}: ${p.why}`,
  hint: () => 'use `[D]` for vectors or `[C, H, W]` for images, with positive integer sizes',
};

export const CHANNEL_MASK_ONE_CHANNEL: DiagnosticDef<{ shape: number[] }> = {
  code: 'FC454',
  severity: 'error',
  title: 'channel mask on a single channel',
  message: (p) => `a channel mask splits channels in half, but this layer's input ${fmt(p.shape)} has one channel`,
  hint: () => 'use `checkerboard` first, or `squeeze` to get 4 channels',
};

export const CHANNEL_MASK_ON_VECTOR: DiagnosticDef<{ shape: number[] }> = {
  code: 'FC455',
  severity: 'error',
  title: 'channel mask on vector data',
  message: (p) => `a channel mask needs image data [C, H, W], but this layer's input is ${fmt(p.shape)}`,
  hint: () => 'use `alternate` or `half` for vectors',
};

export const SHAPE_MISMATCH_ENERGY: DiagnosticDef<{ target: string; dims: number; shape: number[] }> = {
  code: 'FC456',
  severity: 'error',
  title: 'target dimension differs from the latent',
  message: (p) => `target \`${p.target}\` is a ${p.dims}-D density, but the latent has shape ${fmt(p.shape)}`,
  hint: (p) => `declare \`latent z: real[${p.dims}]\``,
};

export const DOMAIN_MISMATCH: DiagnosticDef<{ what: string; domain: string; expected: string }> = {
  code: 'FC457',
  severity: 'error',
  title: 'data domain does not fit',
  message: (p) => `${p.what} needs ${p.expected} data, but the data is ${p.domain}`,
  hint: (p) => `declare the data as ${p.expected}, or choose another ${p.what.split(' ')[0]}`,
};

export const LATENT_NOT_REAL: DiagnosticDef<{ domain: string }> = {
  code: 'FC458',
  severity: 'error',
  title: 'latent must be real',
  message: (p) => `a latent variable must be real-valued, got ${p.domain}`,
  hint: () => 'declare it as `latent z: real[D]`',
};

export const ORDER_SIZE: DiagnosticDef<{ length: number; size: number }> = {
  code: 'FC459',
  severity: 'error',
  title: 'order length differs from the data size',
  message: (p) => `the order lists ${p.length} positions, but the data has ${p.size} dimensions`,
  hint: (p) => `give a permutation of 0..${p.size - 1}`,
};

export const RASTER_ON_VECTOR: DiagnosticDef<{ shape: number[] }> = {
  code: 'FC460',
  severity: 'error',
  title: 'raster order on vector data',
  message: (p) => `a raster order needs image data [C, H, W], but the data is ${fmt(p.shape)}`,
  hint: () => 'use `order natural` for vectors',
};

export const IMAGE_LAYER_ON_VECTOR: DiagnosticDef<{ kind: string; shape: number[] }> = {
  code: 'FC461',
  severity: 'error',
  title: 'image conditional on vector data',
  message: (p) => `\`${p.kind}\` works on images [C, H, W], but the data is ${fmt(p.shape)}`,
  hint: () => 'use `made` or `nade` for vectors, or declare the data as [C, H, W]',
};

export const SHAPES_CODES: DiagnosticDef[] = [
  CHECKERBOARD_ON_VECTOR,
  MASK_LENGTH,
  LATENT_SHAPE,
  DATA_SHAPE,
  CHANNEL_MASK_ONE_CHANNEL,
  CHANNEL_MASK_ON_VECTOR,
  SHAPE_MISMATCH_ENERGY,
  DOMAIN_MISMATCH,
  LATENT_NOT_REAL,
  ORDER_SIZE,
  RASTER_ON_VECTOR,
  IMAGE_LAYER_ON_VECTOR,
];
