import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastShapes, permute, rand, ShapeError, sizeOf, stridesOf, sum, tensor } from '../src/index.js';

/** A shape and a second shape broadcast-compatible with it (dims dropped or set to 1). */
const compatibleShapes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.integer({ min: 0, max: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    ).map(([s, drop, ones]) => [s, s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))] as const),
  );

describe('broadcasting (property tests)', () => {
  it('the broadcast shape is the elementwise max, and add agrees with index arithmetic', () => {
    fc.assert(
      fc.property(compatibleShapes, fc.boolean(), ([a, b], swap) => {
        const [sa, sb] = swap ? [b, a] : [a, b];
        const out = broadcastShapes('add', [sa, sb]);
        const rank = Math.max(sa.length, sb.length);
        expect(out.length).toBe(rank);
        const x = rand(sa), y = rand(sb);
        const z = x.add(y);
        expect(z.shape).toEqual(out);
        const xv = x.dataSync(), yv = y.dataSync(), zv = z.dataSync();
        const outStrides = stridesOf(out);
        const offset = (shape: readonly number[], idx: number[]) => {
          const st = stridesOf(shape);
          return shape.reduce((o, d, i) => o + (d === 1 ? 0 : idx[rank - shape.length + i]! * st[i]!), 0);
        };
        for (let flat = 0; flat < sizeOf(out); flat++) {
          const idx = outStrides.map((s, i) => Math.floor(flat / s) % out[i]!);
          expect(zv[flat]).toBeCloseTo(xv[offset(sa, idx)]! + yv[offset(sb, idx)]!, 5);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('incompatible shapes are a ShapeError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), (p, q) => {
        fc.pre(p !== q);
        expect(() => broadcastShapes('mul', [[p], [3, q]])).toThrow(ShapeError);
      }),
    );
  });
});

describe('shape inference (property tests)', () => {
  const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  it('a permutation followed by its inverse is the identity', () => {
    fc.assert(
      fc.property(shapes.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))), ([s, perm]) => {
        const x = rand(s);
        const p = permute(x, perm);
        expect(p.shape).toEqual(perm.map((i) => s[i]));
        const inverse: number[] = [];
        perm.forEach((q, i) => (inverse[q] = i));
        expect(Array.from(permute(p, inverse).dataSync())).toEqual(Array.from(x.dataSync()));
      }),
      { numRuns: 60 },
    );
  });

  it('summing over any axis set keeps the total', () => {
    fc.assert(
      fc.property(shapes.chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i), { minLength: 1 }))), ([s, axes]) => {
        const x = tensor(Array.from({ length: sizeOf(s) }, (_, i) => i % 7), s);
        const partial = sum(x, axes, true);
        expect(partial.shape).toEqual(s.map((d, i) => (axes.includes(i) ? 1 : d)));
        expect(partial.sum().item()).toBeCloseTo(x.sum().item(), 3);
      }),
      { numRuns: 80 },
    );
  });
});
