import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { manualSeed, rand, randn, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';
import { HopfieldNetwork, hopfieldRetrieve, ModernHopfield } from '../src/index.js';

/** P random ±1 patterns of n units (seeded). */
function randomPatterns(P: number, n: number, seed: number): number[][] {
  manualSeed(seed);
  const v = rand([P, n]).dataSync();
  return Array.from({ length: P }, (_, k) => Array.from({ length: n }, (_, i) => (v[k * n + i]! < 0.5 ? -1 : 1)));
}

/** The pattern with a fraction of its units flipped (seeded). */
function corrupt(p: number[], fraction: number, seed: number): number[] {
  manualSeed(seed);
  const r = rand([p.length]).dataSync();
  return p.map((v, i) => (r[i]! < fraction ? -v : v));
}

describe('HopfieldNetwork', () => {
  it('Hebbian storage: zero diagonal, symmetric weights; stored patterns are fixed points; recall from 20% flipped units', () => {
    const xs = randomPatterns(5, 200, 1);
    const net = new HopfieldNetwork(200).storeHebbian(xs);
    for (let i = 0; i < 200; i++) {
      expect(net.weights[i * 200 + i]).toBe(0);
      expect(net.weights[i * 200 + 7]).toBe(net.weights[7 * 200 + i]);
    }
    xs.forEach((x, k) => {
      const fixed = net.recall(x);
      expect(fixed.converged && fixed.sweeps === 1, `pattern ${k}`).toBe(true);
      expect(Array.from(net.recall(corrupt(x, 0.2, 10 + k)).state)).toEqual(x);
    });
  });

  it('the energy never increases under asynchronous updates (property, random symmetric weights with zero diagonal)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        manualSeed(seed);
        const net = new HopfieldNetwork(n);
        const w = randn([n, n]).dataSync(), b = randn([n]).dataSync();
        for (let i = 0; i < n; i++) {
          net.bias[i] = b[i]! * 0.3;
          for (let j = 0; j < n; j++) net.weights[i * n + j] = i === j ? 0 : (w[i * n + j]! + w[j * n + i]!) / 2;
        }
        const probe = Array.from(rand([n]).dataSync(), (v) => (v < 0.5 ? -1 : 1));
        const r = net.recall(probe, { seed });
        for (let k = 1; k < r.energies.length; k++) expect(r.energies[k]!).toBeLessThanOrEqual(r.energies[k - 1]! + 1e-9);
        expect(r.converged).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('synchronous updates can end in a two-state cycle, which recall reports', () => {
    // two units that excite each other's opposite: (1, 1) <-> (-1, -1)
    const net = new HopfieldNetwork(2);
    net.weights.set([0, -1, -1, 0]);
    const r = net.recall([1, 1], { mode: 'sync' });
    expect(r.cycle).toBe(true);
    expect(r.converged).toBe(false);
    expect(net.recall([1, 1]).converged).toBe(true); // async settles
  });

  it('the pseudo-inverse rule keeps correlated patterns stable where Hebbian storage does not', () => {
    // patterns sharing 80% of their units
    const base = randomPatterns(1, 100, 2)[0]!;
    const xs = Array.from({ length: 8 }, (_, k) => corrupt(base, 0.1, 20 + k));
    const hebb = new HopfieldNetwork(100).storeHebbian(xs);
    const pinv = new HopfieldNetwork(100).storePseudoInverse(xs);
    const stable = (net: HopfieldNetwork) => xs.filter((x) => net.recall(x, { maxSweeps: 1 }).converged).length;
    expect(stable(pinv)).toBe(8);
    expect(stable(hebb)).toBeLessThan(4);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => new HopfieldNetwork(0)).toThrow(ValueError);
    expect(() => new HopfieldNetwork(3).storeHebbian([[1, 1]])).toThrow(ShapeError);
    expect(() => new HopfieldNetwork(3).storePseudoInverse(randomPatterns(4, 3, 1))).toThrow(/at most n = 3/);
    expect(() => new HopfieldNetwork(3).recall([1, 1])).toThrow(ShapeError);
  });
});

describe('the modern Hopfield layer', () => {
  it('retrieves from 2,000 stored patterns of 64 units (31x the dimension): the nearest one to a probe with 20% of its units flipped', () => {
    const xs = randomPatterns(2000, 64, 3);
    const layer = new ModernHopfield(tensor(xs.flat(), [2000, 64]), 4); // β = 4: sharp enough that one pattern takes the softmax
    let original = 0, unambiguous = 0;
    for (let k = 0; k < 50; k++) {
      const probe = corrupt(xs[k]!, 0.2, 100 + k);
      const overlaps = xs.map((x) => x.reduce((a, v, i) => a + v * probe[i]!, 0));
      const best = Math.max(...overlaps);
      const nearest = overlaps.indexOf(best);
      const out = Array.from(layer.call(tensor(probe, [1, 64])).dataSync(), (v) => (v >= 0 ? 1 : -1));
      if (out.every((v, i) => v === xs[k]![i])) original++;
      // where one stored pattern is nearest by a margin, that is what comes back
      if (overlaps.filter((o) => o >= best - 2).length === 1) {
        unambiguous++;
        expect(out, `probe ${k}`).toEqual(xs[nearest]);
      }
    }
    expect(unambiguous).toBeGreaterThan(40);
    expect(original).toBeGreaterThan(40); // the rest: another stored pattern is as close to the probe as its own
    // the classical network, at 2,000 patterns for 64 units, recalls nothing
    const classical = new HopfieldNetwork(64).storeHebbian(xs);
    expect(Array.from(classical.recall(corrupt(xs[0]!, 0.2, 100)).state)).not.toEqual(xs[0]);
  });

  it('is differentiable (gradCheck in float64) and checks its shapes', () => {
    manualSeed(5);
    const r = gradCheck((q: Tensor, x: Tensor) => hopfieldRetrieve(q, x, { beta: 2, steps: 2 }), [randn([3, 4], { dtype: 'float64' }), randn([5, 4], { dtype: 'float64' })]);
    expect(r.ok).toBe(true);
    expect(() => hopfieldRetrieve(randn([2, 3]), randn([4, 5]))).toThrow(ShapeError);
    expect(() => hopfieldRetrieve(randn([2, 3]), randn([4, 3]), { beta: 0 })).toThrow(ValueError);
  });
});
