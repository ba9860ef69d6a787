/**
 * cpu kernels for the random primitives: mulberry32 seeded by the op's
 * `seed` attribute, so a seed always gives the same values.
 * @module
 */
import { allocArray } from '../dtype.js';
import type { RandomAttrs } from '../ops/random.js';
import type { KernelDef } from '../registry.js';
import { randomOps } from '../ops/random.js';
import { cpuKernel } from './backend.js';
import { sizeOf } from '../shape.js';

/** A mulberry32 stream of uniform [0, 1) numbers from a seed, drawn one at a time (the kernels keep no buffer as large as their output). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniformKernel = (): KernelDef => cpuKernel(randomOps.randomUniform, (_, { shape, dtype, seed, low = 0, high = 1 }) => {
  const next = mulberry32(seed);
  const o = allocArray(dtype, sizeOf(shape));
  const span = high - low;
  for (let i = 0; i < o.length; i++) {
    o[i] = low + span * next();
    // float32 rounding can reach `high`; keep the interval half-open.
    if (o[i]! >= high) o[i] = low;
  }
  return [o];
});

const normalKernel = (): KernelDef => cpuKernel(randomOps.randomNormal, (_, { shape, dtype, seed, mean = 0, std = 1 }) => {
  const n = sizeOf(shape);
  const next = mulberry32(seed);
  const o = allocArray(dtype, n);
  // Box-Muller: each pair of uniforms gives two independent normals.
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    o[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < n) o[i + 1] = mean + std * r * Math.sin(theta);
  }
  return [o];
});

const intKernel = (): KernelDef => cpuKernel(randomOps.randomInt, (_, { shape, seed, low = 0, high = 2 }) => {
  const next = mulberry32(seed);
  const o = new Int32Array(sizeOf(shape));
  for (let i = 0; i < o.length; i++) o[i] = low + Math.floor(next() * (high - low));
  return [o];
});

/** cpu kernels of the random primitives. */
export function randomKernels(): KernelDef[] {
  return [uniformKernel(), normalKernel(), intKernel()];
}
