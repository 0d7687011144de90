// mulberry32, defined once: the small seeded generator of the workloads' recipes (masks, orders,
// toy data) and of the runtime's serializable Rng. Pure TypeScript.

/** the state increment of one step */
export const MULBERRY32_INC = 0x6d2b79f5;

/** the uint32 output for an (already advanced) state */
export function mulberry32Mix(state: number): number {
  let t = state >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** a generator of uniforms in [0, 1) from a 32-bit seed */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + MULBERRY32_INC) >>> 0;
    return mulberry32Mix(a) / 4294967296;
  };
}
