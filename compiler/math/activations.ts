// The activation functions, defined once. Scalar forms for host code (fused ops, incremental
// samplers, the compiler); the tfjs forms in runtime/nets/activations.ts use the same constants
// and are tested against these. Pure TypeScript: the compiler may import it without tfjs.

export const ACTIVATION_NAMES = ['relu', 'tanh', 'sigmoid', 'elu', 'leaky_relu', 'gelu', 'softplus', 'linear'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** negative slope of leaky_relu (PyTorch's default) */
export const LEAKY_SLOPE = 0.01;
/** gelu, tanh approximation: x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (Hendrycks & Gimpel) */
export const GELU_K = Math.sqrt(2 / Math.PI);
export const GELU_C = 0.044715;

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** log(1 + eˣ) without overflow */
export const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
/** log σ(x) = −softplus(−x) */
export const logSigmoid = (x: number): number => -softplus(-x);
/**
 * tanh as 1 − 2/(e^{2x} + 1): one exp, ~1.5× faster than Math.tanh in V8; equal after rounding to
 * float32 (the absolute error ~1e-16 near 0 is far below a float32 ulp there); ±1 at the extremes.
 */
export const tanhFast = (x: number): number => 1 - 2 / (Math.exp(2 * x) + 1);

export interface ScalarActivation {
  f(x: number): number;
  /** f′(x) */
  df(x: number): number;
  /** f″(x) (0 where f is piecewise linear: the gradient tfjs gives its step) */
  d2f(x: number): number;
  /** f′ written in terms of the output y = f(x), where that is possible (backward passes keep y) */
  dfOfOutput?: (y: number) => number;
  /** f, f′, f″ at x into out[0..2], sharing their subexpressions (hot loops: planar chains) */
  all(x: number, out: Float64Array): void;
}

const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(GELU_K * (x + GELU_C * x * x * x)));
const geluD = (x: number): number => {
  const u = GELU_K * (x + GELU_C * x * x * x),
    t = Math.tanh(u);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * x * x);
};

type Partial3 = Omit<ScalarActivation, 'all'>;
/** adds `all` from f, f′, f″ (or the given one, for activations whose three share a subexpression) */
const withAll = (a: Partial3, all?: ScalarActivation['all']): ScalarActivation => ({
  ...a,
  all:
    all ??
    ((x, out) => {
      out[0] = a.f(x);
      out[1] = a.df(x);
      out[2] = a.d2f(x);
    }),
});

export const ACTIVATIONS: Record<ActivationName, ScalarActivation> = {
  relu: withAll({
    f: (x) => (x > 0 ? x : 0),
    df: (x) => (x > 0 ? 1 : 0),
    d2f: () => 0,
    dfOfOutput: (y) => (y > 0 ? 1 : 0),
  }),
  leaky_relu: withAll({
    f: (x) => (x > 0 ? x : LEAKY_SLOPE * x),
    df: (x) => (x > 0 ? 1 : LEAKY_SLOPE),
    d2f: () => 0,
    dfOfOutput: (y) => (y > 0 ? 1 : LEAKY_SLOPE),
  }),
  tanh: withAll(
    {
      f: Math.tanh,
      df: (x) => {
        const t = Math.tanh(x);
        return 1 - t * t;
      },
      d2f: (x) => {
        const t = Math.tanh(x);
        return -2 * t * (1 - t * t);
      },
      dfOfOutput: (y) => 1 - y * y,
    },
    (x, out) => {
      const t = Math.tanh(x),
        d = 1 - t * t;
      out[0] = t;
      out[1] = d;
      out[2] = -2 * t * d;
    },
  ),
  sigmoid: withAll(
    {
      f: sigmoid,
      df: (x) => {
        const s = sigmoid(x);
        return s * (1 - s);
      },
      d2f: (x) => {
        const s = sigmoid(x);
        return s * (1 - s) * (1 - 2 * s);
      },
      dfOfOutput: (y) => y * (1 - y),
    },
    (x, out) => {
      const s = sigmoid(x),
        d = s * (1 - s);
      out[0] = s;
      out[1] = d;
      out[2] = d * (1 - 2 * s);
    },
  ),
  elu: withAll({
    f: (x) => (x > 0 ? x : Math.expm1(x)),
    df: (x) => (x > 0 ? 1 : Math.exp(x)),
    d2f: (x) => (x > 0 ? 0 : Math.exp(x)),
    dfOfOutput: (y) => (y > 0 ? 1 : y + 1),
  }),
  softplus: withAll(
    {
      f: softplus,
      df: sigmoid,
      d2f: (x) => {
        const s = sigmoid(x);
        return s * (1 - s);
      },
    },
    (x, out) => {
      const s = sigmoid(x);
      out[0] = softplus(x);
      out[1] = s;
      out[2] = s * (1 - s);
    },
  ),
  gelu: withAll({ f: gelu, df: geluD, d2f: (x) => (geluD(x + 1e-4) - geluD(x - 1e-4)) / 2e-4 }),
  linear: withAll({ f: (x) => x, df: () => 1, d2f: () => 0, dfOfOutput: () => 1 }),
};

/** the canonical name of an activation ('none' is 'linear'), or undefined when unknown */
export function activationName(a: string | undefined): ActivationName | undefined {
  if (a === undefined || a === 'none') return 'linear';
  return (ACTIVATION_NAMES as readonly string[]).includes(a) ? (a as ActivationName) : undefined;
}

export function scalarActivation(a: string | undefined): ScalarActivation {
  const n = activationName(a);
  if (!n) throw new Error(`unknown activation '${a}'`);
  return ACTIVATIONS[n];
}
