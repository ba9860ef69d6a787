import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { manualSeed, randn, ShapeError, type Tensor } from '@nn/tensor';
import { conv1d, conv2d, convTranspose2d } from '../src/index.js';

manualSeed(21);

interface Geo { stride: [number, number]; pad: [number, number]; dil: [number, number]; groups: number }

/** Straightforward reference: six nested loops over the definition. */
function referenceConv(x: Tensor, w: Tensor, { stride, pad, dil, groups }: Geo): { shape: number[]; values: number[] } {
  const [N, C, H, W] = x.shape as number[];
  const [O, Cg, KH, KW] = w.shape as number[];
  const xv = x.dataSync(), wv = w.dataSync();
  const OH = Math.floor((H! + 2 * pad[0] - dil[0] * (KH! - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W! + 2 * pad[1] - dil[1] * (KW! - 1) - 1) / stride[1]) + 1;
  const out: number[] = [];
  const og = O! / groups;
  for (let n = 0; n < N!; n++)
    for (let o = 0; o < O!; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = 0;
          const g = Math.floor(o / og);
          for (let c = 0; c < Cg!; c++)
            for (let kh = 0; kh < KH!; kh++)
              for (let kw = 0; kw < KW!; kw++) {
                const ih = oh * stride[0] - pad[0] + kh * dil[0], iw = ow * stride[1] - pad[1] + kw * dil[1];
                if (ih < 0 || iw < 0 || ih >= H! || iw >= W!) continue;
                s += xv[((n * C! + g * Cg! + c) * H! + ih) * W! + iw]! * wv[((o * Cg! + c) * KH! + kh) * KW! + kw]!;
              }
          out.push(s);
        }
  return { shape: [N!, O!, OH, OW], values: out };
}

const configs: [string, number[], number[], Geo][] = [
  ['3x3 stride 1 pad 1', [2, 3, 7, 6], [4, 3, 3, 3], { stride: [1, 1], pad: [1, 1], dil: [1, 1], groups: 1 }],
  ['5x5 valid, one input channel (LeNet)', [3, 1, 12, 12], [6, 1, 5, 5], { stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 }],
  ['stride 2, odd sizes', [1, 2, 9, 11], [3, 2, 3, 2], { stride: [2, 3], pad: [1, 0], dil: [1, 1], groups: 1 }],
  ['dilation 2', [1, 2, 10, 9], [2, 2, 3, 3], { stride: [1, 1], pad: [2, 1], dil: [2, 2], groups: 1 }],
  ['groups 2', [2, 4, 6, 6], [6, 2, 3, 3], { stride: [1, 1], pad: [1, 1], dil: [1, 1], groups: 2 }],
  ['depthwise (groups = channels)', [1, 3, 5, 5], [3, 1, 3, 3], { stride: [2, 2], pad: [1, 1], dil: [1, 1], groups: 3 }],
  ['1x1 pointwise', [2, 5, 4, 3], [2, 5, 1, 1], { stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 }],
];

describe('conv2d', () => {
  for (const [name, xs, ws, geo] of configs) {
    it(`matches the reference loops: ${name}`, () => {
      const x = randn(xs), w = randn(ws);
      const ref = referenceConv(x, w, geo);
      const y = conv2d(x, w, null, { stride: geo.stride, padding: geo.pad, dilation: geo.dil, groups: geo.groups });
      expect(y.shape).toEqual(ref.shape);
      Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.values[i]!, 4));
    });
    it(`gradCheck (input, weight and bias): ${name}`, () => {
      const r = gradCheck((x, w, b) => conv2d(x, w, b, { stride: geo.stride, padding: geo.pad, dilation: geo.dil, groups: geo.groups }), [randn(xs), randn(ws), randn([ws[0]!])]);
      expect(r.ok, JSON.stringify(r.maxRelativeError)).toBe(true);
    });
  }

  it("'same' padding keeps the size at stride 1 and gives ceil(in/stride) otherwise", () => {
    expect(conv2d(randn([1, 1, 7, 8]), randn([2, 1, 4, 3]), null, { padding: 'same' }).shape).toEqual([1, 2, 7, 8]);
    expect(conv2d(randn([1, 1, 7, 8]), randn([2, 1, 3, 3]), null, { padding: 'same', stride: 2 }).shape).toEqual([1, 2, 4, 4]);
    expect(conv2d(randn([1, 1, 7, 8]), randn([2, 1, 3, 3]), null, { padding: 'valid' }).shape).toEqual([1, 2, 5, 6]);
  });

  it('second derivatives through the backprop ops', () => {
    const r = gradCheck((x, w) => {
      const y = conv2d(x, w, null, { padding: 1, stride: 2 });
      return y.square().sum().reshape([1]).add(0);
    }, [randn([1, 2, 5, 5]), randn([2, 2, 3, 3])]);
    expect(r.ok).toBe(true);
  });

  it('conv1d is a conv2d of height 1', () => {
    const x = randn([2, 3, 10]), w = randn([4, 3, 3]);
    const y = conv1d(x, w, null, { padding: 1, stride: 2 });
    const ref = referenceConv(x.unsqueeze(2), w.unsqueeze(2), { stride: [1, 2], pad: [0, 1], dil: [1, 1], groups: 1 });
    expect(y.shape).toEqual([2, 4, 5]);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.values[i]!, 4));
  });

  it('names the op and the shapes on bad input', () => {
    expect(() => conv2d(randn([3, 28, 28]), randn([6, 1, 5, 5]))).toThrow('conv2d: input must be 4-D [N, C, H, W], got [3,28,28] (rank 3)');
    expect(() => conv2d(randn([1, 3, 8, 8]), randn([6, 2, 3, 3]))).toThrow('conv2d: channel mismatch: input [1,3,8,8] has 3 channels but weight [6,2,3,3] expects 2 (2 per group x 1 groups)');
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 7, 7]), null, { padding: 1 })).toThrow(ShapeError);
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 7, 7]), null, { padding: 1 })).toThrow('conv2d: kernel 7x7 is larger than the padded input 6x6 (input [1,1,4,4], padding [1,1,1,1])');
    expect(() => conv2d(randn([1, 4, 8, 8]), randn([6, 2, 3, 3]), null, { groups: 3 })).toThrow(/divisible by groups/);
    expect(() => conv2d(randn([1, 1, 8, 8]), randn([1, 1, 3, 3]), randn([2]))).toThrow(/bias \[2\] must have one entry per output channel \(1\)/);
  });
});

describe('convTranspose2d', () => {
  /** The definition: every input pixel scatters its kernel-weighted value into the output. */
  function referenceConvT(x: Tensor, w: Tensor, s: number, p: number, op: number, d: number): { shape: number[]; values: Float64Array } {
    const [N, Ci, H, W] = x.shape as number[];
    const [, Co, KH, KW] = w.shape as number[];
    const OH = (H! - 1) * s - 2 * p + d * (KH! - 1) + op + 1, OW = (W! - 1) * s - 2 * p + d * (KW! - 1) + op + 1;
    const out = new Float64Array(N! * Co! * OH * OW);
    const xv = x.dataSync(), wv = w.dataSync();
    for (let n = 0; n < N!; n++)
      for (let ci = 0; ci < Ci!; ci++)
        for (let ih = 0; ih < H!; ih++)
          for (let iw = 0; iw < W!; iw++)
            for (let co = 0; co < Co!; co++)
              for (let kh = 0; kh < KH!; kh++)
                for (let kw = 0; kw < KW!; kw++) {
                  const oh = ih * s - p + kh * d, ow = iw * s - p + kw * d;
                  if (oh < 0 || ow < 0 || oh >= OH || ow >= OW) continue;
                  out[((n * Co! + co) * OH + oh) * OW + ow]! += xv[((n * Ci! + ci) * H! + ih) * W! + iw]! * wv[((ci * Co! + co) * KH! + kh) * KW! + kw]!;
                }
    return { shape: [N!, Co!, OH, OW], values: out };
  }

  for (const [s, p, op, d] of [[1, 0, 0, 1], [2, 1, 1, 1], [3, 1, 0, 1], [2, 0, 0, 2]] as const) {
    it(`matches the scatter definition and gradChecks: stride ${s}, padding ${p}, outputPadding ${op}, dilation ${d}`, () => {
      const x = randn([2, 3, 4, 5]), w = randn([3, 2, 3, 3]);
      const ref = referenceConvT(x, w, s, p, op, d);
      const y = convTranspose2d(x, w, null, { stride: s, padding: p, outputPadding: op, dilation: d });
      expect(y.shape).toEqual(ref.shape);
      Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.values[i]!, 4));
      expect(gradCheck((a, b) => convTranspose2d(a, b, null, { stride: s, padding: p, outputPadding: op, dilation: d }), [randn([1, 3, 3, 3]), randn([3, 2, 3, 3])]).ok).toBe(true);
    });
  }

  it('is the adjoint of conv2d: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩', () => {
    for (const [stride, padding, dilation, groups] of [[1, 1, 1, 1], [2, 1, 1, 1], [2, 0, 2, 1], [1, 1, 1, 2]] as const) {
      const x = randn([2, 4, 9, 8], { dtype: 'float64' }), w = randn([6, 4 / groups, 3, 3], { dtype: 'float64' });
      const cx = conv2d(x, w, null, { stride, padding, dilation, groups });
      const y = randn(cx.shape, { dtype: 'float64' });
      const op = [0, 1].map((i) => x.shape[2 + i]! - ((cx.shape[2 + i]! - 1) * stride - 2 * padding + dilation * 2 + 1)) as [number, number];
      const ty = convTranspose2d(y, w, null, { stride, padding, dilation, groups, outputPadding: op });
      expect(ty.shape).toEqual(x.shape);
      expect(cx.mul(y).sum().item()).toBeCloseTo(x.mul(ty).sum().item(), 8);
    }
  });

  it('checks channels and output padding', () => {
    expect(() => convTranspose2d(randn([1, 3, 4, 4]), randn([2, 2, 3, 3]))).toThrow(/convTranspose2d: channel mismatch: input \[1,3,4,4\] has 3 channels but weight \[2,2,3,3\] expects 2/);
    expect(() => convTranspose2d(randn([1, 2, 4, 4]), randn([2, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \(2\) must be smaller than stride/);
  });
});
