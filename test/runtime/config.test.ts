// The one configuration (runtime/config.ts): parsed from the environment through its table,
// changed by setConfig/--set, printed by --help-env; invalid values are errors that name the setting.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  SETTINGS,
  applySetting,
  config,
  configFromEnv,
  configToEnv,
  defaults,
  describeSettings,
  setConfig,
  withConfig,
} from '../../runtime/config.js';
import { flowc, noTrace } from '../cli/helpers.js';

describe('runtime configuration', () => {
  it('reads every setting from its environment variable and writes it back', () => {
    const env = {
      FLOWC_BACKEND: 'cpu',
      FLOWC_WASM_THREADS: '3',
      FLOWC_WORKERS: '0',
      FLOWC_FUSE: '0',
      FLOWC_MADE_BLOCKS: '2',
      FLOWC_MASKED_CONV: 'plain',
      FLOWC_DEBUG: '1',
    };
    const c = configFromEnv(env);
    expect(c).toMatchObject({
      backend: 'cpu',
      wasmThreads: 3,
      workers: 'off',
      fuse: false,
      madeBlocks: 2,
      maskedConv: 'plain',
      debug: true,
      hostAdam: true,
    });
    expect(configFromEnv(configToEnv(c))).toEqual(c);
    expect(configToEnv(defaults())).toEqual({});
    expect(configFromEnv({ FLOWC_FUSE: '' })).toEqual(defaults());
  });

  it('rejects values a setting cannot take, naming the variable', () => {
    expect(() => configFromEnv({ FLOWC_BACKEND: 'gpu' })).toThrow(
      /FLOWC_BACKEND: 'gpu' is not one of auto, tensorflow, wasm, cpu/,
    );
    expect(() => configFromEnv({ FLOWC_FUSE: 'maybe' })).toThrow(ConfigError);
    expect(() => configFromEnv({ FLOWC_WASM_THREADS: '9' })).toThrow(/1\.\.8/);
  });

  it('setConfig / withConfig / applySetting change it and restore it', async () => {
    const before = { ...config() };
    const prev = setConfig({ fuse: !before.fuse });
    expect(prev).toEqual(before);
    expect(config().fuse).toBe(!before.fuse);
    setConfig(prev);
    expect(withConfig({ madeBlocks: 7 }, () => config().madeBlocks)).toBe(7);
    expect(await withConfig({ backend: 'cpu' }, async () => config().backend)).toBe('cpu');
    expect(() =>
      withConfig({ fuse: false }, () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(config()).toEqual(before);
    applySetting('FLOWC_SIMD_ADAM=off');
    expect(config().simdAdam).toBe(false);
    applySetting('simdadam=1');
    expect(config().simdAdam).toBe(true);
    expect(() => applySetting('nonsense=1')).toThrow(/unknown setting 'nonsense'/);
    expect(() => applySetting('fuse')).toThrow(/expected KEY=VALUE/);
  });

  it('--help-env lists every setting from the same table; --set and bad environments are checked', async () => {
    const help = await flowc('--help-env');
    expect(help.code).toBe(0);
    for (const s of SETTINGS) expect(help.out).toContain(s.env);
    expect(help.out).toBe(describeSettings());
    const bad = await flowc('--set', 'fuse=maybe', 'check', 'specs/two_moons.flow');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--set fuse: 'maybe' is not a switch/);
    expect(noTrace(bad.err)).toBe(true);
  });
});
