import { expect } from 'vitest';
import type { NestedArray, Tensor } from '../src/index.js';

/** Asserts a tensor's shape and values (to `digits` decimals). */
export function expectTensor(t: Tensor, expected: NestedArray, digits = 5): void {
  const actual = t.toArray();
  const flatA = [actual].flat(Infinity as 1) as number[];
  const flatE = [expected].flat(Infinity as 1) as number[];
  expect(JSON.stringify(shapeOf(actual))).toBe(JSON.stringify(shapeOf(expected)));
  expect(flatA.length).toBe(flatE.length);
  flatA.forEach((v, i) => {
    const e = flatE[i]!;
    if (typeof e === 'boolean' || typeof v === 'boolean') expect(v).toBe(e);
    else if (Number.isNaN(e)) expect(v).toBeNaN();
    else if (!Number.isFinite(e)) expect(v).toBe(e);
    else expect(v).toBeCloseTo(e, digits);
  });
}

function shapeOf(v: NestedArray): number[] {
  const s: number[] = [];
  while (Array.isArray(v)) {
    s.push(v.length);
    v = v[0] as NestedArray;
  }
  return s;
}
