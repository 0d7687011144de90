// The runtime's one configuration: every switch the runtime and the CLI honour, typed, with its
// environment variable, default and meaning in one table (SETTINGS). It is read from the
// environment once, on first use; the API changes it with setConfig(), the CLI with
// `--set KEY=VALUE`, and `flowc --help-env` prints the table. No other module reads process.env
// for these switches. Pure TypeScript (no tfjs): `flowc check` and `--help-env` load it cheaply.

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface FlowcConfig {
  /** backend: auto = tfjs-node if it loads, else wasm, else cpu */
  backend: BackendChoice;
  /** wasm threads: 'auto' (by the model's size) or 1..8 */
  wasmThreads: 'auto' | number;
  /** data-parallel worker: 'auto' (by the model's size), 'on', 'off' */
  workers: 'auto' | 'on' | 'off';
  /** the fused host ops (couplings, MLP stacks, planar/radial chains, energies) */
  fuse: boolean;
  /** host Adam for small variables (else op by op) */
  hostAdam: boolean;
  /** wasm SIMD Adam for large variables */
  simdAdam: boolean;
  /** MADE layers as one tape node each */
  madeFused: boolean;
  /** NADE's teacher-forced pass as one fused host op (runtime/ar/nade-fused.ts) */
  nadeFused: boolean;
  /** the fused NADE pass's rows in wasm SIMD (runtime/ar/nade-simd.ts) */
  nadeSimd: boolean;
  /** MADE staircase blocks: 'auto' (4 on one thread, 2 on more) or a count (0/1 = one masked product) */
  madeBlocks: 'auto' | number;
  /** masked weight + transpose as one wasm SIMD pass */
  simdMaskTranspose: boolean;
  /** fused Bernoulli log-likelihood (wasm SIMD) for autoregressive models */
  bernoulliFused: boolean;
  /** PixelCNN masked convs: 'fast' (cropped custom-gradient op) or 'plain' (conv of W·M) */
  maskedConv: 'fast' | 'plain';
  /** the wasm speed substitutes (untransposed matMul) */
  perfKernels: boolean;
  /** keep tfjs's own start-up messages (no production mode) */
  tfDebug: boolean;
  /** print stack traces of internal errors */
  debug: boolean;
  /** kernels the planner must not choose, as `kind:name` (flowc explain --plan lists them) */
  kernelsOff: readonly string[];
}

type Kind =
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'auto-int'; min: number; max: number }
  | { type: 'names' };

export interface Setting {
  key: keyof FlowcConfig;
  env: string;
  kind: Kind;
  default: FlowcConfig[keyof FlowcConfig];
  doc: string;
}

const bool: Kind = { type: 'bool' };

export const SETTINGS: readonly Setting[] = [
  {
    key: 'backend',
    env: 'FLOWC_BACKEND',
    kind: { type: 'enum', values: ['auto', 'tensorflow', 'wasm', 'cpu'] },
    default: 'auto',
    doc: 'the TensorFlow.js backend; auto = tfjs-node if it loads, else wasm (SIMD), else cpu',
  },
  {
    key: 'wasmThreads',
    env: 'FLOWC_WASM_THREADS',
    kind: { type: 'auto-int', min: 1, max: 8 },
    default: 'auto',
    doc: 'threads of the wasm backend; auto = 2 for models with >= 50 M forward FLOPs a step, unless data-parallel',
  },
  {
    key: 'workers',
    env: 'FLOWC_WORKERS',
    kind: { type: 'enum', values: ['auto', 'on', 'off'] },
    default: 'auto',
    doc: 'data-parallel training with a worker thread (training only); auto = for heavy models with few parameters',
  },
  {
    key: 'fuse',
    env: 'FLOWC_FUSE',
    kind: bool,
    default: true,
    doc: 'fused host ops with hand-written gradients (couplings, MLP stacks, planar/radial chains, energies)',
  },
  {
    key: 'hostAdam',
    env: 'FLOWC_HOST_ADAM',
    kind: bool,
    default: true,
    doc: 'Adam on the host for small variables (off: the op-by-op Adam)',
  },
  {
    key: 'simdAdam',
    env: 'FLOWC_SIMD_ADAM',
    kind: bool,
    default: true,
    doc: 'wasm SIMD Adam loop for large variables (> 65,536 elements)',
  },
  {
    key: 'madeFused',
    env: 'FLOWC_MADE_FUSED',
    kind: bool,
    default: true,
    doc: 'MADE layers as one tape node each (off: plain masked matMuls)',
  },
  {
    key: 'nadeFused',
    env: 'FLOWC_NADE_FUSED',
    kind: bool,
    default: true,
    doc: "NADE's pass as one fused host op, O(D*H) backward (off: the plain tensor ops; also off when fuse is off)",
  },
  {
    key: 'nadeSimd',
    env: 'FLOWC_NADE_SIMD',
    kind: bool,
    default: true,
    doc: 'the fused NADE pass with its rows in wasm SIMD (one parameter per dimension; off: JS loops)',
  },
  {
    key: 'madeBlocks',
    env: 'FLOWC_MADE_BLOCKS',
    kind: { type: 'auto-int', min: 0, max: 64 },
    default: 'auto',
    doc: 'MADE staircase blocks per layer; auto = 4 on one wasm thread, 2 on more; 0 or 1 = one masked product',
  },
  {
    key: 'simdMaskTranspose',
    env: 'FLOWC_SIMD_MASKT',
    kind: bool,
    default: true,
    doc: 'masked weight and its transpose as one wasm SIMD pass (off: tf.mul + tf.transpose)',
  },
  {
    key: 'bernoulliFused',
    env: 'FLOWC_BERNOULLI_FUSED',
    kind: bool,
    default: true,
    doc: 'fused wasm SIMD Bernoulli log-likelihood for autoregressive models (also off when fuse is off)',
  },
  {
    key: 'maskedConv',
    env: 'FLOWC_MASKED_CONV',
    kind: { type: 'enum', values: ['fast', 'plain'] },
    default: 'fast',
    doc: 'PixelCNN masked convs: fast = cropped custom-gradient op, plain = conv2d of W*M + add + activation',
  },
  {
    key: 'perfKernels',
    env: 'FLOWC_PERF',
    kind: bool,
    default: true,
    doc: 'the wasm speed substitutes (untransposed matMul)',
  },
  {
    key: 'tfDebug',
    env: 'FLOWC_TF_DEBUG',
    kind: bool,
    default: false,
    doc: "keep TensorFlow.js's own start-up messages",
  },
  { key: 'debug', env: 'FLOWC_DEBUG', kind: bool, default: false, doc: 'print stack traces of internal errors' },
  {
    key: 'kernelsOff',
    env: 'FLOWC_KERNELS_OFF',
    kind: { type: 'names' },
    default: [],
    doc: 'comma-separated kernels the planner must not choose, e.g. coupling:fused-mlp (flowc explain --plan)',
  },
];

export class ConfigError extends Error {}

const BOOL_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  on: true,
  yes: true,
  '0': false,
  false: false,
  off: false,
  no: false,
};

/** one setting's value from its text form (environment or --set); throws ConfigError naming the setting */
export function parseSetting(s: Setting, raw: string, source: string): FlowcConfig[keyof FlowcConfig] {
  const text = raw.trim().toLowerCase();
  const bad = (want: string) => new ConfigError(`${source}: '${raw}' is not ${want}`);
  switch (s.kind.type) {
    case 'bool':
      if (text in BOOL_WORDS) return BOOL_WORDS[text]!;
      throw bad('a switch (1/0, on/off, true/false)');
    case 'enum':
      if (s.key === 'workers' && (text === '1' || text === '0')) return text === '1' ? 'on' : 'off';
      if (s.kind.values.includes(text)) return text as never;
      throw bad(`one of ${s.kind.values.join(', ')}`);
    case 'names': {
      const names = text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t);
      const wrong = names.find((n) => !/^[a-z0-9_-]+:[a-z0-9_-]+$/.test(n));
      if (wrong) throw bad(`a comma-separated list of kernels kind:name ('${wrong}')`);
      return names;
    }
    case 'auto-int': {
      if (text === 'auto') return 'auto';
      const n = Number(text);
      if (Number.isInteger(n) && n >= s.kind.min && n <= s.kind.max) return n;
      throw bad(`'auto' or an integer in ${s.kind.min}..${s.kind.max}`);
    }
  }
}

export function defaults(): FlowcConfig {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, s.default])) as unknown as FlowcConfig;
}

/** the configuration an environment describes (unset or empty variables keep their defaults) */
export function configFromEnv(env: Record<string, string | undefined>): FlowcConfig {
  const c = defaults() as unknown as Record<string, unknown>;
  for (const s of SETTINGS) {
    const raw = env[s.env];
    if (raw !== undefined && raw !== '') c[s.key] = parseSetting(s, raw, s.env);
  }
  return c as unknown as FlowcConfig;
}

/** the environment variables that reproduce `c` in another process (only the settings that differ from defaults) */
export function configToEnv(c: FlowcConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of SETTINGS) {
    const v = c[s.key];
    if (Array.isArray(v) ? v.length : v !== s.default) {
      out[s.env] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    }
  }
  return out;
}

let current: FlowcConfig | null = null;

/** The configuration in force: from the environment at first use, then as setConfig changed it. */
export function config(): Readonly<FlowcConfig> {
  // a browser (the playground) has no process: the defaults, changed with setConfig
  current ??= configFromEnv(typeof process === 'undefined' ? {} : process.env);
  return current;
}

/** Changes settings for this process (the API's and the tests' way); returns the previous configuration. */
export function setConfig(patch: Partial<FlowcConfig>): FlowcConfig {
  const prev = { ...config() };
  current = { ...prev, ...patch };
  return prev;
}

/** Runs f with some settings changed, restoring the previous configuration afterwards (also for async f). */
export function withConfig<T>(patch: Partial<FlowcConfig>, f: () => T): T {
  const prev = setConfig(patch);
  let result: T;
  try {
    result = f();
  } catch (e) {
    current = prev;
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => (current = prev)) as T;
  current = prev;
  return result;
}

/** `KEY=VALUE` (KEY a setting's name or its environment variable), as the CLI's --set takes it */
export function applySetting(assignment: string): void {
  const eq = assignment.indexOf('=');
  const key = eq < 0 ? assignment : assignment.slice(0, eq);
  const s = SETTINGS.find((x) => x.key.toLowerCase() === key.toLowerCase() || x.env === key.toUpperCase());
  if (!s || eq < 0) {
    const names = SETTINGS.map((x) => x.key).join(', ');
    throw new ConfigError(
      eq < 0 ? `--set ${assignment}: expected KEY=VALUE` : `--set: unknown setting '${key}' (${names})`,
    );
  }
  setConfig({ [s.key]: parseSetting(s, assignment.slice(eq + 1), `--set ${s.key}`) });
}

/** The table `flowc --help-env` prints. */
export function describeSettings(): string {
  const rows = SETTINGS.map((s) => {
    const values =
      s.kind.type === 'bool'
        ? '1|0'
        : s.kind.type === 'enum'
          ? s.kind.values.join('|')
          : s.kind.type === 'names'
            ? 'kind:name,…'
            : `auto|${s.kind.min}..${s.kind.max}`;
    const dflt = typeof s.default === 'boolean' ? (s.default ? '1' : '0') : String(s.default) || 'none';
    return `  ${`${s.env}=${values}`.padEnd(44)} ${s.doc} (default ${dflt}; --set ${s.key}=…)`;
  });
  const head = 'Settings (environment variables, or --set KEY=VALUE on any command; read once at start):';
  return `${head}\n${rows.join('\n')}\n`;
}
