import { avgPool2d, batchNorm, conv2d, maxPool2d, maxPool2dWithIndices, maxUnpool2d } from '@nn/layers-conv';
import { grad } from '@nn/autograd';
import { cholesky } from '@nn/linalg';
import { assertBackendConformanceAsync } from '@nn/testing';
import * as nn from '@nn/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuBackend } from '../src/index.js';
import { agree, startWebGPU, values } from './helpers.js';

const t = (shape: number[], seed: number, positive = false) => nn.tensor(values(shape, seed, positive), shape);

beforeAll(startWebGPU);

describe('webgpu backend', () => {
  it('finds an adapter', () => {
    expect(webgpuBackend().adapterName.length).toBeGreaterThan(0);
  });

  it('passes the @nn/testing conformance suite against cpu', async () => {
    await assertBackendConformanceAsync('webgpu');
  });

  it('reads host-written data synchronously and refuses to pretend for computed data', async () => {
    await nn.setBackend('webgpu');
    const x = nn.tensor([1, 2, 3]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    const y = nn.mul(x, 2);
    expect(() => y.dataSync()).toThrow(/asynchronously.*await tensor.data/);
    expect(Array.from(await y.data())).toEqual([2, 4, 6]);
    x.dispose();
    y.dispose();
    await nn.setBackend('cpu');
  });

  it('refuses float64 with a typed error', async () => {
    await nn.setBackend('webgpu');
    expect(() => nn.tensor([1, 2], undefined, 'float64')).toThrow(nn.DTypeError);
    await nn.setBackend('cpu');
  });

  it('int32 and bool elementwise ops, casts and comparisons', async () => {
    await agree(() => {
      const a = nn.tensor([3, -7, 0, 12, 5, -1], [2, 3], 'int32');
      const b = nn.tensor([2, 2, -3], [3], 'int32');
      const m = nn.gt(a, b);
      return [nn.add(a, b), nn.mul(a, b), nn.neg(a), nn.abs(a), nn.maximum(a, b), m, nn.logicalNot(m), nn.logicalAnd(m, nn.lt(a, 4)), nn.cast(m, 'float32'), nn.where(m, a, b), nn.cast(nn.tensor([1.7, -2.5, 0, 3]), 'int32')];
    });
  });

  it('reductions over inner, outer, strided and all axes, and long rows', async () => {
    await agree(() => {
      const x = t([3, 4, 5], 1);
      return [nn.sum(x, [0, 2]), nn.max(x, [0]), nn.min(x, [2], true), nn.prod(nn.add(nn.mul(x, 0.1), 1), [1]), nn.argmax(x, 2), nn.argmin(x, 0), nn.sum(t([3, 1000], 2), [1]), nn.sum(t([70000], 3))];
    }, 1e-4);
  });

  it('matmul of odd sizes, batches that broadcast, and both transposes', async () => {
    await agree(() => [
      nn.matmul(t([65, 17], 4), t([17, 70], 5)),
      nn.matmul(t([3, 1, 9, 20], 6), t([4, 20, 6], 7)),
      nn.matmul(t([20, 9], 8), t([6, 20], 9), { transposeA: true, transposeB: true }),
    ], 1e-4);
  });

  it('conv2d forward and both gradients: padding, stride, dilation, groups', async () => {
    const cases: [number[], number[], Parameters<typeof conv2d>[3]][] = [
      [[2, 3, 9, 9], [4, 3, 3, 3], { padding: 1 }],
      [[1, 4, 11, 10], [6, 2, 3, 2], { stride: 2, padding: [1, 0], groups: 2 }],
      [[2, 2, 12, 12], [3, 2, 3, 3], { dilation: 2, stride: [1, 2] }],
      [[1, 3, 17, 17], [8, 3, 7, 7], { stride: 2, padding: 3 }],
    ];
    for (const [xs, ws, opts] of cases) {
      await agree(() => {
        const x = t(xs, 10), w = t(ws, 11);
        const y = conv2d(x, w, null, opts);
        const seed = t(y.shape, 12);
        const [dx, dw] = grad((a, b) => nn.sum(nn.mul(conv2d(a!, b!, null, opts), seed)), [0, 1])(x, w);
        return [y, dx!, dw!];
      }, 1e-4);
    }
  });

  it('fused linear and convolution: bias and activation in the GEMM epilogue (inference)', async () => {
    for (const activation of [null, { op: 'relu' as const }, { op: 'sigmoid' as const }, { op: 'tanh' as const }]) {
      await agree(() => {
        const x = t([5, 3, 9, 9], 30), w = t([6, 3, 3, 3], 31), b = t([6], 32);
        const xl = t([7, 20], 33), wl = t([11, 20], 34), bl = t([11], 35);
        return [conv2d(x, w, b, { padding: 1, stride: 2, activation }), nn.linear(xl, wl, bl, { activation })];
      }, 1e-4);
    }
  });

  it('batch norm in training: one kernel per pass, statistics and gradients as cpu', async () => {
    await agree(() => {
      const x = t([3, 5, 7, 6], 40), w = t([5], 41, true), b = t([5], 42);
      const seed = t([3, 5, 7, 6], 43);
      const f = (a: nn.Tensor, g: nn.Tensor, h: nn.Tensor) => nn.sum(nn.mul(batchNorm(a, null, null, g, h, { training: true }), seed));
      const [dx, dw, db] = grad(f, [0, 1, 2])(x, w, b);
      return [batchNorm(x, null, null, w, b, { training: true }), dx!, dw!, db!];
    }, 1e-4);
  });

  it('pooling with switches, average pooling (padding, ceil mode) and their gradients, unpooling', async () => {
    await agree(() => {
      const x = t([2, 3, 9, 8], 13);
      const [y, idx] = maxPool2dWithIndices(x, 3, { stride: 2, padding: 1 });
      const up = maxUnpool2d(y, idx, 3, { stride: 2, padding: 1, outputSize: [9, 8] });
      const dMax = grad((a) => nn.sum(nn.mul(maxPool2d(a!, 2, { stride: 1, dilation: 2 }), 1.5)))(x);
      const avgOpts = { stride: 2, padding: 1, ceilMode: true, countIncludePad: false };
      const avg = avgPool2d(x, 3, avgOpts);
      const seed = t(avg.shape, 14);
      const dAvg = grad((a) => nn.sum(nn.mul(avgPool2d(a!, 3, avgOpts), seed)))(x);
      return [y, idx, up, dMax, avg, dAvg, avgPool2d(x, 2)];
    });
  });

  it('gather, scatterAdd and oneHot; a host index out of range is the cpu error', async () => {
    await agree(() => {
      const x = t([4, 3], 15);
      const i = nn.tensor([3, 0, -1, 1], [4], 'int32');
      return [nn.gather(x, i, 0), nn.gather(x, nn.argmax(x, 0), 0), nn.scatterAdd(x, nn.tensor([1, 1, 0], [3], 'int32'), t([4, 3], 16), 1), nn.oneHot(nn.tensor([2, 0, 1], [3], 'int32'), 4)];
    });
    await nn.setBackend('webgpu');
    expect(() => nn.gather(t([4, 3], 17), nn.tensor([4], [1], 'int32'), 0)).toThrow(/index 4 is out of range/);
    await nn.setBackend('cpu');
  });

  it('random ops draw the same values as cpu for a seed', async () => {
    await agree(() => {
      nn.manualSeed(7);
      return [nn.randn([5, 7]), nn.rand([13]), nn.randint(0, 10, [9])];
    });
  });

  it('layout: transpose, slice with steps, pad, concat, sliceScatter through gradients', async () => {
    await agree(() => {
      const x = t([3, 4, 5], 18);
      const g = grad((a) => nn.sum(nn.mul(nn.slice(a!, [0, 1, 0], [3, 4, 5], [2, 1, 2]), 3)))(x);
      return [nn.permute(x, [2, 0, 1]), nn.pad(x, [[0, 1], [2, 0], [1, 1]], -1.5), nn.concat([x, nn.mul(x, 2)], 2), g, nn.clone(x)];
    });
  });

  it('linalg: runs on the host for host data, and names the way out for GPU data', async () => {
    const spd = () => nn.tensor([4, 2, 2, 3], [2, 2]);
    await agree(() => cholesky(spd()));
    await nn.setBackend('webgpu');
    try {
      expect(() => cholesky(nn.mul(spd(), 1))).toThrow(/linalg.cholesky: no 'webgpu' kernel for this op.*readable only asynchronously.*toCpu/);
    } finally {
      await nn.setBackend('cpu');
    }
  });
});
