import { describe, expect, it } from 'vitest';
import { getRegistry, REGISTRY_API_VERSION, type Tensor } from '@nn/tensor';
import { assertConformance, checkOp, ConformanceError, inputs, PROBE_BACKEND } from '../src/index.js';

describe('the conformance kit', () => {
  it('passes a correct op on cpu and on the kernel-less probe backend', () => {
    const report = assertConformance({
      name: 'exp',
      fn: (x) => x.exp(),
      cases: [{ inputs: inputs([-1, 0, 2]), reference: Math.exp }, { inputs: inputs([[0.5, 1]]), expected: [[Math.exp(0.5), Math.E]] }],
    });
    expect(report.results.map((r) => r.check)).toContain(`backend:${PROBE_BACKEND}`);
    expect(report.results.every((r) => r.ok)).toBe(true);
  });

  it('catches a wrong forward value, a wrong gradient and a backend that disagrees', () => {
    const wrongValue = checkOp({ name: 'bad', fn: (x) => x.mul(2), cases: [{ inputs: inputs([1, 2]), expected: [2, 5] }] });
    expect(wrongValue.ok).toBe(false);
    expect(wrongValue.results.find((r) => r.check === 'forward')!.detail).toBe('value 1 is 4, expected 5');

    // An op whose registered gradient is wrong: forward fine, gradient caught.
    getRegistry().use({
      name: 'test.badgrad',
      apiVersion: REGISTRY_API_VERSION,
      ops: [{ name: 'test.double', inputs: ['x'], infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }] }],
      kernels: [{ op: 'test.double', backend: 'cpu', run: ([x]) => [(x!.data as Float64Array).map((v) => 2 * v)] }],
      gradients: [{ op: 'test.double', vjp: ([dy]) => [dy!.mul(3)] }],
    });
    const double = (x: Tensor) => x.engine.run('test.double', [x])[0]!;
    const badGrad = checkOp({ name: 'test.double', fn: double, cases: [{ inputs: inputs([1, 2]), expected: [2, 4] }] });
    expect(badGrad.results.find((r) => r.check === 'forward')!.ok).toBe(true);
    expect(badGrad.results.find((r) => r.check === 'gradient')!.ok).toBe(false);
    expect(() => assertConformance({ name: 'test.double', fn: double, cases: [{ inputs: inputs([1]) }] })).toThrow(ConformanceError);
  });
});
