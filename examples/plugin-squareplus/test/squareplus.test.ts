import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { createEngine, getRegistry, randn, tensor, use, withEngine } from '@nn/tensor';
import { assertConformance, inputs, PROBE_BACKEND } from '@nn/testing';
import { SQUAREPLUS, squareplus, squareplusOp, squareplusPlugin } from '../src/index.js';

const reference = (b: number) => (x: number) => 0.5 * (x + Math.sqrt(x * x + b));

describe('nn-plugin-squareplus', () => {
  it('passes the conformance kit: values, gradient, and every backend', () => {
    const report = assertConformance({
      name: SQUAREPLUS,
      fn: (x) => squareplus(x),
      cases: [{ name: 'b = 4', inputs: inputs([-10, -1, 0, 0.5, 3, 100]), reference: reference(4) }],
    });
    expect(report.results.some((r) => r.check === `backend:${PROBE_BACKEND}` && r.ok)).toBe(true);
    assertConformance({
      name: `${SQUAREPLUS} b = 0`,
      fn: (x) => squareplus(x, 0),
      cases: [{ name: 'is ReLU away from 0', inputs: inputs([-2, -0.5, 0.5, 2]), expected: [0, 0, 0.5, 2] }],
    });
  });

  it('registers with use(plugin), and registering twice is harmless', () => {
    const engine = createEngine();
    withEngine(engine, () => {
      use(squareplusPlugin);
      use(squareplusPlugin);
      expect(getRegistry().hasOp(SQUAREPLUS)).toBe(true);
      expect(engine.run(SQUAREPLUS, [tensor([0])], { b: 4 })[0]!.item()).toBe(1);
      expect(getRegistry().coverage().find((r) => r.op === SQUAREPLUS)).toMatchObject({ kind: 'composite', hasGradient: true });
    });
  });

  it('runs its composite where no kernel applies, equal to the fused cpu kernel', () => {
    use(squareplusPlugin);
    const x = randn([7]);
    const fused = squareplus(x, 2).toArray() as number[];
    const composite = squareplusOp.composite([x], { b: 2 })[0]!.toArray() as number[];
    composite.forEach((v, i) => expect(v).toBeCloseTo(fused[i]!, 6));
  });

  it('has a second derivative too', () => {
    expect(gradCheck((x) => squareplus(x.mul(1)).sum(), [randn([5])]).ok).toBe(true);
  });

  it('rejects bad input clearly', () => {
    expect(() => squareplus(tensor([1], undefined, 'int32'))).toThrow("acme.squareplus: argument 'x' has dtype int32, expected float32 or float64");
    expect(() => squareplus(tensor([1]), -1)).toThrow('acme.squareplus: b must be a non-negative number, got -1');
  });
});
