import { grad, gradCheck } from '@nn/autograd';
import * as C from '@nn/layers-conv';
import { getEngine, manualSeed, normOps, randn, type Tensor, tidy, use } from '@nn/tensor';
import { beforeEach, describe, expect, it } from 'vitest';

function expectClose(actual: Tensor, expected: Tensor, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toArray() as number[], e = expected.toArray() as number[];
  a.flat(4).forEach((v, i) => {
    const want = (e.flat(4) as number[])[i]!;
    expect(Math.abs(v - want), `entry ${i}: ${v} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  });
}

const composite = (op: keyof typeof normOps, inputs: Tensor[], eps: number) => getEngine().withoutRecording(() => normOps[op].composite(inputs, { eps }));

describe('the batch-norm ops', () => {
  beforeEach(() => {
    manualSeed(3);
    use(C.convPlugin);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 2e-5;
    it(`batchNorm's kernel gives its composite's output, mean and variance (${dtype}, 2-D to 4-D)`, () => {
      for (const shape of [[5, 3], [4, 2, 7], [3, 5, 6, 7]]) {
        tidy(() => {
          const C_ = shape[1]!;
          const x = randn(shape, { dtype }).mul(3).add(2), w = randn([C_], { dtype }), b = randn([C_], { dtype });
          const got = normOps.batchNorm.run([x, w, b], { eps: 1e-5 });
          const want = composite('batchNorm', [x, w, b], 1e-5);
          got.forEach((g, i) => expectClose(g, want[i]!, tol));
        });
      }
    });

    it(`batchNormBackward's kernel gives its composite's cotangents, statistics' cotangents included (${dtype})`, () => {
      tidy(() => {
        const x = randn([3, 4, 5, 2], { dtype }), dy = randn([3, 4, 5, 2], { dtype });
        const [, mean, variance] = normOps.batchNorm.run([x, randn([4], { dtype }), randn([4], { dtype })], { eps: 1e-3 });
        const inputs = [dy, x, mean!, variance!, randn([4], { dtype }), randn([4], { dtype }), randn([4], { dtype })];
        const got = normOps.batchNormBackward.run(inputs, { eps: 1e-3 });
        const want = composite('batchNormBackward', inputs, 1e-3);
        got.forEach((g, i) => expectClose(g, want[i]!, 10 * tol));
      });
    });
  }

  it('differentiates x, weight and bias through the output and through the batch statistics (gradCheck, float64)', () => {
    const inputs = [randn([4, 3, 2, 2]), randn([3]), randn([3])];
    expect(gradCheck((x, w, b) => normOps.batchNorm.run1([x, w, b], { eps: 1e-5 }), inputs).ok).toBe(true);
    // a loss that reads the mean and the variance as well
    expect(gradCheck((x, w, b) => {
      const [y, mean, variance] = normOps.batchNorm.run([x, w, b], { eps: 1e-5 });
      return y!.sum([0, 2, 3]).add(mean!.mul(3)).add(variance!.square());
    }, inputs).ok).toBe(true);
  });

  it('has a second derivative (the backward op differentiated as its composite)', () => {
    const x = randn([3, 2, 4], { dtype: 'float64' }), w = randn([2], { dtype: 'float64' }), b = randn([2], { dtype: 'float64' });
    // d/dx of Σ (dL/dx)², with L = Σ y³: gradCheck of the first gradient
    const firstGrad = (v: Tensor) => grad((u: Tensor) => normOps.batchNorm.run1([u, w, b], { eps: 1e-5 }).pow(3).sum())(v) as Tensor;
    expect(gradCheck(firstGrad, [x]).ok).toBe(true);
  });

  it('names the op, the argument and the shapes on bad input', () => {
    const x = randn([2, 3, 4]);
    expect(() => normOps.batchNorm.run([x, randn([4]), randn([3])], { eps: 1e-5 })).toThrow('batchNorm: weight [4] must have one entry per channel (3) of input [2,3,4]');
    expect(() => normOps.batchNorm.run([randn([3]), randn([3]), randn([3])], { eps: 1e-5 })).toThrow('batchNorm: input must be at least 2-D [N, C, ...], got [3]');
    expect(() => normOps.batchNorm.run([x, randn([3], { dtype: 'float64' }), randn([3])], { eps: 1e-5 })).toThrow('batchNorm: weight is float64 but the input is float32');
  });
});
