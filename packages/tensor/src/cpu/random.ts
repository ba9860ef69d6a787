/**
 * cpu kernels for the random primitives: mulberry32 seeded by the op's
 * `seed` attribute, so a seed always gives the same values.
 * @module
 */
import { allocArray } from '../dtype.js';
import type { RandomAttrs } from '../ops/random.js';
import type { KernelDef } from '../registry.js';
import { sizeOf } from '../shape.js';

/** Fills `out` with uniform [0, 1) numbers from a mulberry32 stream. */
function uniforms(seed: number, out: Float64Array): void {
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

const uniformKernel: KernelDef<RandomAttrs> = {
  op: 'randomUniform',
  backend: 'cpu',
  run(_, { shape, dtype, seed, low = 0, high = 1 }) {
    const u = new Float64Array(sizeOf(shape));
    uniforms(seed, u);
    const o = allocArray(dtype, u.length);
    const span = high - low;
    for (let i = 0; i < u.length; i++) o[i] = low + span * u[i]!;
    // float32 rounding can reach `high`; keep the interval half-open.
    if (dtype === 'float32') for (let i = 0; i < o.length; i++) if (o[i]! >= high) o[i] = low;
    return [o];
  },
};

const normalKernel: KernelDef<RandomAttrs> = {
  op: 'randomNormal',
  backend: 'cpu',
  run(_, { shape, dtype, seed, mean = 0, std = 1 }) {
    const n = sizeOf(shape);
    const u = new Float64Array(n + (n % 2));
    uniforms(seed, u);
    const o = allocArray(dtype, n);
    // Box-Muller: each pair of uniforms gives two independent normals.
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - u[i]!));
      const theta = 2 * Math.PI * u[i + 1]!;
      o[i] = mean + std * r * Math.cos(theta);
      if (i + 1 < n) o[i + 1] = mean + std * r * Math.sin(theta);
    }
    return [o];
  },
};

const intKernel: KernelDef<RandomAttrs> = {
  op: 'randomInt',
  backend: 'cpu',
  run(_, { shape, seed, low = 0, high = 2 }) {
    const u = new Float64Array(sizeOf(shape));
    uniforms(seed, u);
    const o = new Int32Array(u.length);
    for (let i = 0; i < u.length; i++) o[i] = low + Math.floor(u[i]! * (high - low));
    return [o];
  },
};

/** cpu kernels of the random primitives. */
export const randomKernels: KernelDef[] = [uniformKernel, normalKernel, intKernel];
