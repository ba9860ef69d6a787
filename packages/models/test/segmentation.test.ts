import { describe, expect, it } from 'vitest';
import { gradCheck, noGrad } from '@nn/autograd';
import { Conv2d, linearToConv, MaxPool2d } from '@nn/layers-conv';
import { crossEntropy, Linear, type Module, Parameter, Sequential } from '@nn/layers-core';
import { ReLU } from '@nn/activations';
import { Adam } from '@nn/optim';
import { manualSeed, randint, randn, ShapeError, Tensor } from '@nn/tensor';
import { Coords, DeconvNet, FCN, fcn8s, parseModel, serializeModel, vgg } from '../src/index.js';

const count = (m: Module, learned = false) => m.parameters().filter((p) => !learned || p.requiresGrad).reduce((n, p) => n + p.size, 0);
const tiny = { widths: [2, 2, 3, 3, 4], convs: [1, 1, 1, 1, 1], fcWidth: 4 };

/** Replaces every parameter and buffer of `model` by a float64 copy. */
function toFloat64(model: Module): void {
  for (const [, m] of model.namedModules()) {
    const own = m as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(own)) {
      if (value instanceof Parameter) own[key] = new Parameter(value.cast('float64'), value.requiresGrad);
      else if (value instanceof Tensor) own[key] = value.cast('float64');
    }
  }
}

describe('FCN-32s/16s/8s', { timeout: 120_000 }, () => {
  it('FCN-32s on VGG-16 with 21 classes learns 134,346,581 parameters (the paper: 134M), plus a frozen 1,806,336-weight bilinear x32', () => {
    const m = new FCN({ variant: '32s' });
    expect(count(m, true)).toBe(134_346_581);
    expect(count(m)).toBe(134_346_581 + 21 * 21 * 64 * 64);
    expect(count(m.features)).toBe(14_714_688); // VGG-16's convolutions
    m.dispose();
  });

  it('crops at the reference nets\' offsets, derived from the geometry: 19; 5 and 27; 5, 9 and 31', () => {
    const offsets = (variant: '32s' | '16s' | '8s') => ({ ...new FCN({ variant, backbone: tiny }).offsets });
    expect(offsets('32s')).toEqual({ upscore: 19 });
    expect(offsets('16s')).toEqual({ scorePool4: 5, upscore: 27 });
    expect(offsets('8s')).toEqual({ scorePool4: 5, scorePool3: 9, upscore: 31 });
    expect({ ...new FCN({ variant: '8s', backbone: tiny, alignment: 'same', fcKernel: 3 }).offsets }).toEqual({ scorePool4: 0, scorePool3: 0, upscore: 0 });
    // a 3x3 conv padded 1 keeps positions; a 2x2 stride-2 pool moves them by half a pixel
    expect(new Coords().conv(3, 1, 1).conv(2, 2, 0)).toEqual(new Coords(2, 0.5));
  });

  it('output is N x classes x H x W for every variant, alignment and upsampling, odd sizes too', () => {
    manualSeed(1);
    for (const variant of ['32s', '16s', '8s'] as const) {
      for (const alignment of ['reference', 'same'] as const) {
        for (const upsampling of ['stepwise', 'one-step'] as const) {
          const m = new FCN({ variant, backbone: tiny, classes: 3, alignment, upsampling, fcKernel: alignment === 'same' ? 3 : 7 });
          for (const [h, w] of [[32, 32], [37, 45]]) {
            expect(noGrad(() => m.call(randn([2, 3, h!, w!]))).shape, `${m.name} ${alignment} ${h}x${w}`).toEqual([2, 3, h, w]);
          }
        }
      }
    }
  });

  it('score layers on pool4 and pool3 start at zero, so a fresh FCN-8s scores as its FCN-32s', () => {
    manualSeed(2);
    const m = new FCN({ variant: '8s', backbone: tiny, classes: 3 });
    for (const conv of [m.scoreFr, m.scorePool4!, m.scorePool3!]) expect(conv.weight.abs().sum().item()).toBe(0);
    expect(m.upscore.weight.requiresGrad).toBe(false); // frozen bilinear, as the reference nets
    expect(new FCN({ variant: '8s', backbone: tiny, learnUpsampling: true }).upscore.weight.requiresGrad).toBe(true);
  });

  it('gradCheck in float64 through the skip fusions and crops (reference offsets and same-padding remainders)', () => {
    manualSeed(3);
    for (const [alignment, upsampling, size] of [['reference', 'stepwise', [32, 34]], ['same', 'stepwise', [33, 35]]] as const) {
      const m = new FCN({ variant: '8s', backbone: { widths: [1, 1, 1, 1, 1], convs: [1, 1, 1, 1, 1], fcWidth: 1 }, classes: 2, inChannels: 1, alignment, upsampling, fcKernel: alignment === 'same' ? 3 : 7, learnUpsampling: true, dropout: 0 });
      noGrad(() => {
        for (const conv of [m.scoreFr, m.scorePool4!, m.scorePool3!]) conv.weight.assign(randn(conv.weight.shape));
      });
      toFloat64(m);
      const x = randn([1, 1, ...size], { dtype: 'float64' }).abs().add(0.1);
      const wave = randn([1, 2, ...size], { dtype: 'float64' });
      const scorePool4 = m.scorePool4!, scorePool3 = m.scorePool3!;
      // the skip layers' weights and the input as arguments: every path of the fusion is differentiated
      const f = (input: Tensor, w4: Tensor, w3: Tensor) => {
        (scorePool4 as unknown as { weight: Tensor }).weight = w4;
        (scorePool3 as unknown as { weight: Tensor }).weight = w3;
        return m.call(input).mul(wave).sum();
      };
      const g = gradCheck(f, [x, scorePool4.weight.clone(), scorePool3.weight.clone()]);
      expect(g.ok, `${alignment} ${upsampling}: ${JSON.stringify(g)}`).toBe(true);
    }
  });

  it('linearToConv: a trained classifier read as convolutions scores every position of a larger image as the classifier scores the matching crop', () => {
    manualSeed(4);
    // unpadded convolutions, so that a crop sees exactly what its position sees in the larger image
    const features = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Conv2d(4, 6, 3), new ReLU(), new MaxPool2d(2));
    const head = new Linear(6 * 5 * 5, 3);
    const classify = (x: Tensor) => head.call(features.call(x).flatten(1));
    const opt = new Adam([...features.parameters(), ...head.parameters()], { lr: 0.01 });
    const x = randn([16, 1, 26, 26]), y = randint(0, 3, [16]);
    for (let step = 0; step < 5; step++) {
      crossEntropy(classify(x), y).backward();
      opt.step();
      opt.zeroGrad();
    }
    const conv = linearToConv(head, [6, 5, 5]);
    const big = randn([1, 1, 26 + 4 * 3, 26 + 4 * 2]); // a 4x3 grid of positions, 4 pixels apart (the total stride)
    const maps = noGrad(() => conv.call(features.call(big)));
    expect(maps.shape).toEqual([1, 3, 4, 3]);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        const crop = big.slice([0, 0, 4 * i, 4 * j], [1, 1, 4 * i + 26, 4 * j + 26]);
        const want = noGrad(() => classify(crop)).reshape([3]);
        const got = maps.slice([0, 0, i, j], [1, 3, i + 1, j + 1]).reshape([3]);
        expect(Math.max(...Array.from(got.sub(want).abs().dataSync()))).toBeLessThan(1e-5);
      }
    }
  });

  it('FCN.fromVgg carries a VGG-16\'s convolutions and fc6/fc7 over: fc7 at 1x1 equals the VGG\'s second hidden layer', () => {
    manualSeed(5);
    const v = vgg(16, { batchNorm: true, widthDivisor: 16, hidden: 8, poolSize: 1, classes: 5 }).eval();
    const fcn = FCN.fromVgg(v, { variant: '8s', classes: 4, alignment: 'same' }).eval();
    const x = randn([2, 3, 32, 32]);
    const hidden = noGrad(() => v.classifier.layers.slice(0, 5).reduce((h, l) => l.call(h), v.avgpool.call(v.features.call(x)).flatten(1)));
    const fc7 = noGrad(() => fcn.classifier.call(fcn.features.call(x))).reshape([2, 8]);
    expect(Math.max(...Array.from(fc7.sub(hidden).abs().dataSync()))).toBeLessThan(1e-5);
    expect(() => FCN.fromVgg(vgg(11, { widthDivisor: 16 }), { variant: '8s' })).toThrow('fromVgg takes a VGG-16');
  });

  it('bad input: an image smaller than the total stride, wrong channels: typed errors naming the model and shapes', () => {
    const m = fcn8s({ backbone: tiny, alignment: 'same', fcKernel: 3 });
    expect(() => m.call(randn([1, 3, 31, 40]))).toThrow(ShapeError);
    expect(() => m.call(randn([1, 3, 31, 40]))).toThrow('fcn8s: input [1,3,31,40] is smaller than 32x32: its five max pools halve the image five times (a total stride of 32)');
    expect(() => m.call(randn([1, 1, 64, 64]))).toThrow('fcn8s: expects [N, 3, H, W] images, got [1,1,64,64]');
    expect(() => new FCN({ variant: '4s' as never })).toThrow("variant must be '32s', '16s' or '8s', got '4s'");
    expect(() => new FCN({ variant: '8s', backbone: { widths: [1, 2, 3] } })).toThrow('backbone.widths must be five positive integers');
  });

  it('saves and reloads whole (saveModel)', () => {
    manualSeed(6);
    const m = new FCN({ variant: '16s', backbone: tiny, classes: 3, alignment: 'same', fcKernel: 3, upsampling: 'one-step' }).eval();
    const back = parseModel(serializeModel(m)).eval();
    const x = randn([1, 3, 40, 40]);
    expect(Array.from(noGrad(() => back.call(x)).dataSync())).toEqual(Array.from(noGrad(() => m.call(x)).dataSync()));
  });
});

describe('DeconvNet', { timeout: 120_000 }, () => {
  it('on VGG-16 with 21 classes: 251,805,653 parameters (the paper: 252M); with the bilinear decoder 167,919,573', () => {
    const d = new DeconvNet();
    expect(count(d)).toBe(251_805_653);
    d.dispose();
    const b = new DeconvNet({ decoder: 'bilinear' });
    expect(count(b)).toBe(167_919_573);
    b.dispose();
  });

  it('output is N x classes x H x W for both decoders, odd sizes too', () => {
    manualSeed(7);
    for (const decoder of ['deconv', 'bilinear'] as const) {
      const m = new DeconvNet({ backbone: tiny, classes: 3, fcKernel: 1, decoder });
      for (const [h, w] of [[32, 32], [37, 50]]) expect(noGrad(() => m.call(randn([2, 3, h!, w!]))).shape, `${decoder} ${h}x${w}`).toEqual([2, 3, h, w]);
    }
    expect(noGrad(() => new DeconvNet({ backbone: tiny, fcKernel: 7 }).eval().call(randn([1, 3, 224, 230]))).shape).toEqual([1, 21, 224, 230]);
  });

  it('passes gradCheck in float64 at tiny widths (unpooling with switches, transposed convolutions, batch norm)', () => {
    manualSeed(8);
    const m = new DeconvNet({ backbone: { widths: [1, 1, 1, 1, 1], convs: [1, 1, 1, 1, 1], fcWidth: 2 }, classes: 2, inChannels: 1, fcKernel: 1 });
    toFloat64(m);
    const x = randn([2, 1, 32, 32], { dtype: 'float64' });
    const wave = randn([2, 2, 32, 32], { dtype: 'float64' });
    const g = gradCheck((input: Tensor) => m.call(input).mul(wave).sum(), [x], { tolerance: 1e-4 });
    expect(g.ok, JSON.stringify(g)).toBe(true);
  });

  it('an input too small for fc6 is a typed error naming the model and why', () => {
    expect(() => new DeconvNet({ backbone: tiny }).call(randn([1, 3, 100, 100]))).toThrow(
      'deconvnet: input [1,3,100,100] is smaller than 224x224: its five max pools halve the image five times and fc6 (7x7, unpadded) needs pool5\'s map to be at least 7x7',
    );
  });
});
