// Diagnostics reported by the registry's shape rules (FC400..FC449). Stable codes: never renumber.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

export const SQUEEZE_NEEDS_IMAGE: DiagnosticDef<{ layer: string; shape: readonly number[] }> = {
  code: 'FC400',
  severity: 'error',
  title: 'squeeze needs an image',
  message: (p) => `'${p.layer}' needs an image shape [C, H, W], but its input is ${fmt(p.shape)}`,
  hint: () => 'squeeze trades space for channels ([C,H,W] → [4C,H/2,W/2]); vectors have no spatial axes to squeeze',
};

export const SQUEEZE_ODD_SPATIAL: DiagnosticDef<{ shape: readonly number[]; H: number; W: number }> = {
  code: 'FC401',
  severity: 'error',
  title: 'squeeze on odd height or width',
  message: (p) => `squeeze needs even H and W, but the input ${fmt(p.shape)} has H = ${p.H}, W = ${p.W}`,
  hint: (p) =>
    `each 2×2 patch becomes 4 channels, so H and W must be even; pad or crop the data to ` +
    `${p.H + (p.H % 2)}×${p.W + (p.W % 2)}, or squeeze earlier/later`,
};

export const SPLIT_TOO_FEW_CHANNELS: DiagnosticDef<{ shape: readonly number[]; C: number }> = {
  code: 'FC402',
  severity: 'error',
  title: 'split of fewer than two channels',
  message: (p) =>
    `split needs at least 2 channels to factor half of them out, but the input ${fmt(p.shape)} has ${p.C}`,
  hint: () => 'put a squeeze before the split (it multiplies the channels by 4), or remove the split',
};

export const SPLIT_ODD_CHANNELS: DiagnosticDef<{ shape: readonly number[]; C: number }> = {
  code: 'FC403',
  severity: 'error',
  title: 'split of an odd channel count',
  message: (p) => `split needs an even channel count, but the input ${fmt(p.shape)} has ${p.C} channels`,
  hint: () => 'split factors out exactly half the channels; squeeze first or change the number of channels',
};

export const UNSUPPORTED_RANK: DiagnosticDef<{ layer: string; shape: readonly number[] }> = {
  code: 'FC404',
  severity: 'error',
  title: 'unsupported tensor rank',
  message: (p) => `'${p.layer}' works on vectors [D] or images [C, H, W], but its input is ${fmt(p.shape)}`,
  hint: () => 'declare the data as real[D] or real[C, H, W]',
};

export const CHECKERBOARD_ON_VECTOR: DiagnosticDef<{ shape: readonly number[] }> = {
  code: 'FC405',
  severity: 'error',
  title: 'checkerboard mask on vector data',
  message: (p) => `a checkerboard mask needs an image [C, H, W], but this coupling sees ${fmt(p.shape)}`,
  hint: () => 'on vectors use mask: alternate (even indices) or mask: half (first half)',
};

export const CHANNEL_MASK_NEEDS_CHANNELS: DiagnosticDef<{ shape: readonly number[] }> = {
  code: 'FC406',
  severity: 'error',
  title: 'channel mask without channels to split',
  message: (p) => `a channel mask needs an image with at least 2 channels, but this coupling sees ${fmt(p.shape)}`,
  hint: (p) =>
    p.shape.length === 3
      ? 'squeeze first (it gives 4C channels), or use mask: checkerboard'
      : 'on vectors use mask: half',
};

export const MASK_LENGTH_MISMATCH: DiagnosticDef<{ length: number; expected: number; shape: readonly number[] }> = {
  code: 'FC407',
  severity: 'error',
  title: 'literal mask length differs from the input size',
  message: (p) =>
    `the literal mask has ${p.length} entries, but the coupling input ${fmt(p.shape)} has ${p.expected} elements`,
  hint: (p) =>
    `write exactly ${p.expected} entries (flattened C·H·W in row-major order), 1 = passes through and conditions`,
};

export const MASK_NOT_BINARY: DiagnosticDef<{ index: number; value: number }> = {
  code: 'FC408',
  severity: 'error',
  title: 'literal mask entry is not 0 or 1',
  message: (p) => `mask entry ${p.index} is ${p.value}; mask entries must be 0 or 1`,
  hint: () => '1 = the element passes through unchanged and conditions the rest, 0 = it is transformed',
};

export const CONV_NET_ON_VECTOR: DiagnosticDef<{ net: string; shape: readonly number[] }> = {
  code: 'FC409',
  severity: 'error',
  title: 'convolutional conditioner on vector data',
  message: (p) => `the conditioner '${p.net}' is convolutional, but this layer sees a vector ${fmt(p.shape)}`,
  hint: () => 'use net: mlp(...) on vectors; resnet needs an image [C, H, W]',
};

export const EMPTY_DIMENSION: DiagnosticDef<{ layer: string; shape: readonly number[] }> = {
  code: 'FC410',
  severity: 'error',
  title: 'empty or invalid dimension',
  message: (p) =>
    `'${p.layer}' received the shape ${fmt(p.shape)}, which has a dimension that is not a positive integer`,
  hint: () => 'every dimension of a data or latent shape must be a positive integer',
};

export const RESIDUAL_CHANNEL_MISMATCH: DiagnosticDef<{ cin: number; cout: number }> = {
  code: 'FC411',
  severity: 'error',
  title: 'residual conv changes the channel count',
  message: (p) => `a residual conv must keep its channel count, but it maps ${p.cin} channels to ${p.cout}`,
  hint: (p) => `set channels: ${p.cin}, or drop residual: true`,
};

export const CONV_ON_VECTOR: DiagnosticDef<{ layer: string; shape: readonly number[] }> = {
  code: 'FC412',
  severity: 'error',
  title: 'convolutional model on vector data',
  message: (p) => `'${p.layer}' convolves images [C, H, W], but the data is ${fmt(p.shape)}`,
  hint: () => 'declare the data as an image, e.g. binary[1, 28, 28], or use made/nade on vectors',
};

export const EVEN_KERNEL: DiagnosticDef<{ kernel: number }> = {
  code: 'FC413',
  severity: 'error',
  title: 'masked conv with an even kernel',
  message: (p) => `a masked conv needs an odd kernel size (it has a centre pixel), but kernel is ${p.kernel}`,
  hint: (p) => `use kernel: ${p.kernel + 1} or ${Math.max(1, p.kernel - 1)}`,
};

export const HEADS_NOT_DIVIDING: DiagnosticDef<{ channels: number; heads: number }> = {
  code: 'FC414',
  severity: 'error',
  title: 'attention heads do not divide the channels',
  message: (p) =>
    `flowpp splits its ${p.channels} channels over ${p.heads} attention heads, which does not divide them`,
  hint: (p) =>
    `use channels: ${Math.ceil(p.channels / p.heads) * p.heads}, or a number of heads that divides ${p.channels}`,
};

export const BAD_DATA_PATH: DiagnosticDef<{ path: string; problem: string }> = {
  code: 'FC430',
  severity: 'error',
  title: 'data path not allowed',
  message: (p) => `data path ${JSON.stringify(p.path)}: ${p.problem}`,
  hint: () => "name a file in the spec's folder (or below it), or pass the file with --data FILE on the command line",
};

export const REGISTRY_CODES: DiagnosticDef[] = [
  SQUEEZE_NEEDS_IMAGE,
  SQUEEZE_ODD_SPATIAL,
  SPLIT_TOO_FEW_CHANNELS,
  SPLIT_ODD_CHANNELS,
  UNSUPPORTED_RANK,
  CHECKERBOARD_ON_VECTOR,
  CHANNEL_MASK_NEEDS_CHANNELS,
  MASK_LENGTH_MISMATCH,
  MASK_NOT_BINARY,
  CONV_NET_ON_VECTOR,
  EMPTY_DIMENSION,
  RESIDUAL_CHANNEL_MISMATCH,
  CONV_ON_VECTOR,
  EVEN_KERNEL,
  HEADS_NOT_DIVIDING,
  BAD_DATA_PATH,
];
