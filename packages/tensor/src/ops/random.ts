/**
 * Seeded random tensors. `manualSeed(n)` makes every random function (and
 * every random op of other packages that draws its seed with `nextSeed`)
 * reproducible: the global generator hands each call a fresh 32-bit seed,
 * and the kernels derive their values from that seed alone.
 * @module
 */
import { checkDType, type DType, isFloat } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

let state = (Math.random() * 0x100000000) >>> 0;

/** Seeds the global generator: the same seed gives the same random tensors. */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new ValueError(`seed must be a finite number, got ${seed}`, 'manualSeed');
  state = Math.trunc(seed) >>> 0;
}

/** The global generator's state, to save with a checkpoint so training resumes exactly. */
export function getSeedState(): number {
  return state;
}

/** Restores a state returned by {@link getSeedState}. */
export function setSeedState(saved: number): void {
  state = saved >>> 0;
}

/** Draws the next 32-bit seed from the global generator (splitmix32). */
export function nextSeed(): number {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Attributes shared by the random primitives. */
export interface RandomAttrs {
  [key: string]: unknown;
  shape: number[];
  dtype: DType;
  seed: number;
  /** Uniform: lower bound. Int: lower bound (inclusive). */
  low?: number;
  /** Uniform: upper bound. Int: upper bound (exclusive). */
  high?: number;
  mean?: number;
  std?: number;
}

function randomOp(name: string, floatOnly: boolean) {
  return defineOp<RandomAttrs>({
    name,
    inputs: [],
    nondifferentiable: true,
    infer(_, { shape, dtype }) {
      checkShape(shape, name);
      checkDType(dtype, name);
      if (floatOnly && !isFloat(dtype)) throw new DTypeError(`dtype must be float32 or float64, got ${dtype}`, name);
      if (!floatOnly && dtype !== 'int32') throw new DTypeError(`dtype must be int32, got ${dtype}`, name);
      return [{ shape, dtype }];
    },
  });
}

/** The random primitives. */
export const randomOps = { randomUniform: randomOp('randomUniform', true), randomNormal: randomOp('randomNormal', true), randomInt: randomOp('randomInt', false) };

/** Descriptors of the random primitives. */
export const randomOpDefs: OpDef[] = Object.values(randomOps);

/** Uniform samples in [low, high). */
export function rand(shape: readonly number[], options: { low?: number; high?: number; dtype?: DType } = {}): Tensor {
  const { low = 0, high = 1, dtype = 'float32' } = options;
  if (!(high > low)) throw new ValueError(`high (${high}) must exceed low (${low})`, 'rand');
  return randomOps.randomUniform.run1([], { shape: [...shape], dtype, low, high, seed: nextSeed() });
}

/** Normal samples with the given mean and standard deviation. */
export function randn(shape: readonly number[], options: { mean?: number; std?: number; dtype?: DType } = {}): Tensor {
  const { mean = 0, std = 1, dtype = 'float32' } = options;
  if (!(std >= 0)) throw new ValueError(`std (${std}) must be non-negative`, 'randn');
  return randomOps.randomNormal.run1([], { shape: [...shape], dtype, mean, std, seed: nextSeed() });
}

/** Uniform int32 samples in [low, high). */
export function randint(low: number, high: number, shape: readonly number[]): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`needs integers low < high, got low ${low}, high ${high}`, 'randint');
  }
  return randomOps.randomInt.run1([], { shape: [...shape], dtype: 'int32', low, high, seed: nextSeed() });
}
