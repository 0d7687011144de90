// Toy 2-D densities generated in code: moons, circles, 8gaussians, checkerboard, pinwheel, spirals.
// Defaults: TOY_DEFAULTS in compiler/registry/datasets.ts. moons with them (n=8192, noise=0.05, seed=7)
// reproduces the bytes of the bench's moons_8192_f32.bin (workload W1).
import { DataError, type Dataset } from './dataset.js';
import { fisherYates, mulberry32, normalFrom } from './random.js';
import { DATA_LIMITS } from '../../compiler/registry/data-rules.js';
import { TOY_DEFAULTS, TOY_NAMES, type ToyDefaults } from '../../compiler/registry/datasets.js';

export type ToyOptions = ToyDefaults;
// the defaults are the registry's (one table for the spec's toy(...) and --data toy:NAME)
export { TOY_DEFAULTS, TOY_NAMES };

type Gen = (n: number, noise: number, u: () => number, g: () => number) => number[][];

const moons: Gen = (n, noise, _u, g) => {
  const h1 = Math.ceil(n / 2);
  const h2 = n - h1;
  const pts: number[][] = [];
  for (let i = 0; i < h1; i++) {
    const t = (Math.PI * i) / Math.max(1, h1 - 1);
    pts.push([Math.cos(t), Math.sin(t)]);
  }
  for (let i = 0; i < h2; i++) {
    const t = (Math.PI * i) / Math.max(1, h2 - 1);
    pts.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
  }
  for (const p of pts) {
    p[0]! += noise * g();
    p[1]! += noise * g();
  }
  return pts;
};

const circles: Gen = (n, noise, _u, g) => {
  const h1 = Math.ceil(n / 2);
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const outer = i < h1;
    const k = outer ? i : i - h1;
    const m = outer ? h1 : n - h1;
    const t = (2 * Math.PI * k) / Math.max(1, m);
    const r = outer ? 1 : 0.5;
    pts.push([r * Math.cos(t) + noise * g(), r * Math.sin(t) + noise * g()]);
  }
  return pts;
};

const gaussians8: Gen = (n, noise, u, g) => {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u() * 8);
    const a = (2 * Math.PI * k) / 8;
    pts.push([2 * Math.cos(a) + noise * 2 * g(), 2 * Math.sin(a) + noise * 2 * g()]);
  }
  return pts;
};

// FFJORD's checkerboard: 8 unit squares of a 4×4 board on [-2, 2]², scaled by 2 → [-4, 4]².
const checkerboard: Gen = (n, noise, u, g) => {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x1 = u() * 4 - 2;
    const x2 = u() - Math.floor(u() * 2) * 2 + (((Math.floor(x1) % 2) + 2) % 2);
    pts.push([x1 * 2 + noise * g(), x2 * 2 + noise * g()]);
  }
  return pts;
};

// FFJORD's pinwheel: 5 arms, radial std 0.3, tangential std = noise, rate 0.25, scaled by 2.
const pinwheel: Gen = (n, noise, u, g) => {
  const arms = 5;
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(u() * arms);
    const f0 = g() * 0.3 + 1;
    const f1 = g() * noise;
    const ang = (2 * Math.PI * k) / arms + 0.25 * Math.exp(f0);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    pts.push([2 * (f0 * c - f1 * s), 2 * (f0 * s + f1 * c)]);
  }
  return pts;
};

// FFJORD's two spirals.
const spirals: Gen = (n, noise, u, g) => {
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.sqrt(u()) * 540 * 2 * Math.PI) / 360;
    const sign = i % 2 === 0 ? 1 : -1;
    const x = (-Math.cos(t) * t + u() * 0.5) * sign;
    const y = (Math.sin(t) * t + u() * 0.5) * sign;
    pts.push([x / 3 + noise * g(), y / 3 + noise * g()]);
  }
  return pts;
};

const GENS: Record<string, Gen> = { moons, circles, '8gaussians': gaussians8, checkerboard, pinwheel, spirals };

/** Generates a toy data set; the points are shuffled with the same generator. */
export function makeToy(name: string, opts: Partial<ToyOptions> = {}): Dataset {
  const gen = GENS[name];
  const defaults = TOY_DEFAULTS[name];
  if (!gen || !defaults) {
    throw new DataError(`unknown toy data set '${name}' (known: ${TOY_NAMES.join(', ')})`);
  }
  const o: ToyOptions = { ...defaults, ...opts };
  if (!Number.isInteger(o.n) || o.n < 2 || o.n > DATA_LIMITS.maxToyPoints) {
    throw new DataError(`toy:${name}: n must be an integer from 2 to ${DATA_LIMITS.maxToyPoints} (got ${o.n})`);
  }
  if (!Number.isFinite(o.noise) || o.noise < 0) throw new DataError(`toy:${name}: noise must be ≥ 0 (got ${o.noise})`);
  if (!Number.isInteger(o.seed)) throw new DataError(`toy:${name}: seed must be an integer (got ${o.seed})`);
  const u = mulberry32(o.seed);
  const g = normalFrom(u);
  const pts = fisherYates(gen(o.n, o.noise, u, g), u);
  return {
    name: `toy:${name} (n=${o.n}, noise=${o.noise}, seed=${o.seed})`,
    n: o.n,
    shape: [2],
    x: Float32Array.from(pts.flat()),
  };
}
