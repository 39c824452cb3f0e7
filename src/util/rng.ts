/**
 * Seeded pseudo-random numbers for tests, studies and synthetic weights. Everything random in pimsim
 * goes through these so a run is reproducible from its seed; Math.random is never used.
 */

/**
 * mulberry32: a small 32-bit generator (Tommy Ettinger's public-domain algorithm), uniform on [0, 1)
 * with 2^-32 resolution. Good enough for test data; not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal sample (Box-Muller, cosine branch; uses two draws from rng). */
export function gaussian(rng: () => number): number {
  const u1 = 1 - rng(); // in (0, 1], so log never sees 0
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** n normal samples with the given mean and standard deviation, as float32. */
export function gaussianArray(rng: () => number, n: number, std = 1, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + std * gaussian(rng);
  return out;
}

/** n samples uniform on [lo, hi), as float32. */
export function uniformArray(rng: () => number, n: number, lo = 0, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
