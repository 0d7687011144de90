import { describe, expect, it } from 'vitest';
import { runApiExample } from '../../examples/api.js';
import { setConfig } from '../../runtime/config.js';

describe('examples/api.ts', () => {
  it('compiles, builds, trains, samples and inverts the two-moons spec through the public API', async () => {
    setConfig({ backend: 'cpu' });
    const r = await runApiExample(60);
    expect(r.backend).toBe('cpu');
    expect(r.after).toBeLessThan(r.before - 0.3);
    expect(r.sampleShape).toEqual([16, 2]);
    expect(r.roundTripError).toBeLessThan(1e-4);
  });
});
