import { describe, expect, it } from 'vitest';
import { type InterpolateOptions, Upsample } from '@nn/layers-conv';
import { Module } from '@nn/layers-core';
import { GRU, IndRNN, LSTM, RNN } from '@nn/layers-recurrent';
import { CharLSTM, cifarResNet, DeconvNet, fcn16s, fcn32s, fcn8s, GoogLeNet, lenet5, mlp, resnet18, resnet50, VGG } from '@nn/models';
import { manualSeed, randint, randn, type Tensor } from '@nn/tensor';
import { decodeModel, exportOnnx, OnnxUnsupportedError } from '../src/index.js';
import { maxRelError, nnOutput, randomiseZeros, runOrt } from './helpers.js';

const SMALL = { widths: [8, 16, 32, 64, 64], fcWidth: 64 };

/** Every model of @nn/models (CPU-sized where the full one is hundreds of MB), and its input without the batch axis. */
const MODELS: [string, () => Module, number[]][] = [
  ['MLP', () => mlp([784, 64, 10]), [784]],
  ['LeNet-5', () => lenet5(), [1, 28, 28]],
  ['VGG-16-BN (1/8 width)', () => new VGG({ depth: 16, batchNorm: true, classes: 10, widthDivisor: 8, hidden: 64, poolSize: 1 }), [3, 32, 32]],
  ['VGG-11', () => new VGG({ depth: 11, classes: 10, widthDivisor: 8, hidden: 64, poolSize: 2 }), [3, 64, 64]],
  ['ResNet-18', () => resnet18({ classes: 10 }), [3, 64, 64]],
  ['ResNet-50', () => resnet50({ classes: 10 }), [3, 32, 32]],
  ['CIFAR ResNet-20 (option A)', () => cifarResNet(20), [3, 32, 32]],
  ['GoogLeNet (paper: LRN, 5x5)', () => new GoogLeNet({ auxLogits: false, classes: 10 }), [3, 64, 64]],
  ['GoogLeNet (torchvision)', () => new GoogLeNet({ flavour: 'torchvision', auxLogits: false, classes: 10 }), [3, 64, 64]],
  ['FCN-32s (reference crops)', () => randomiseZeros(fcn32s({ backbone: SMALL, classes: 5, inChannels: 1 })), [1, 64, 64]],
  ['FCN-16s (same, batch norm, one-step)', () => randomiseZeros(fcn16s({ backbone: SMALL, classes: 5, inChannels: 1, alignment: 'same', batchNorm: true, fcKernel: 3, upsampling: 'one-step' })), [1, 48, 48]],
  ['FCN-8s', () => randomiseZeros(fcn8s({ backbone: SMALL, classes: 5, inChannels: 1 })), [1, 64, 64]],
  ['DeconvNet', () => new DeconvNet({ backbone: SMALL, classes: 5, inChannels: 1, fcKernel: 1 }), [1, 64, 64]],
  ['DeconvNet (bilinear decoder)', () => new DeconvNet({ backbone: SMALL, classes: 5, inChannels: 1, fcKernel: 1, decoder: 'bilinear' }), [1, 64, 64]],
];

describe('exportOnnx: every model runs in onnxruntime-node as in nn, at two batch sizes', () => {
  for (const [name, make, shape] of MODELS) {
    it(name, async () => {
      manualSeed(3);
      const model = make();
      const bytes = exportOnnx(model, randn([2, ...shape]));
      for (const n of [1, 3]) {
        const x = randn([n, ...shape]);
        expect(maxRelError(nnOutput(model, x), await runOrt(bytes, x)), `batch ${n}`).toBeLessThan(1e-4);
      }
    }, 60_000);
  }
});

class Wrap extends Module {
  constructor(readonly layer: Module) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.layer.call(x);
  }
}

describe('exportOnnx: recurrent layers become ONNX LSTM / GRU / RNN nodes', () => {
  it('the char LSTM (embedding, 2-layer LSTM, linear head), at two sequence lengths', async () => {
    manualSeed(4);
    const model = new CharLSTM(30, { hiddenSize: 16, numLayers: 2 });
    const bytes = exportOnnx(model, randint(0, 30, [6, 2]));
    const ops = decodeModel(bytes).graph.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'LSTM')).toHaveLength(2);
    expect(ops).toContain('Gather');
    for (const T of [6, 9]) {
      const ids = randint(0, 30, [T, 2]);
      expect(maxRelError(nnOutput(model, ids), await runOrt(bytes, ids))).toBeLessThan(1e-4);
    }
  });

  for (const [name, layer] of [
    ['bidirectional 2-layer GRU', () => new GRU(6, 8, { numLayers: 2, bidirectional: true })],
    ['batch-first LSTM', () => new LSTM(6, 8, { batchFirst: true })],
    ['bidirectional ReLU RNN', () => new RNN(6, 8, { nonlinearity: 'relu', bidirectional: true })],
  ] as const) {
    it(name, async () => {
      manualSeed(5);
      const model = new Wrap(layer());
      const batchFirst = name.startsWith('batch-first');
      const axis = batchFirst ? 0 : 1;
      const shape = (n: number) => (batchFirst ? [n, 5, 6] : [5, n, 6]);
      const bytes = exportOnnx(model, randn(shape(2)), { dynamicAxes: { input: { [axis]: 'batch' }, output: { [axis]: 'batch' } } });
      for (const n of [2, 4]) {
        const x = randn(shape(n));
        expect(maxRelError(nnOutput(model, x), await runOrt(bytes, x))).toBeLessThan(1e-4);
      }
    });
  }
});

describe('exportOnnx: recurrent layers with no ONNX node form are unrolled, at fixed shapes', () => {
  for (const [name, layer] of [
    ['leaky RNN with learned time constants', () => new RNN(6, 8, { leak: 0.3, learnLeak: true })],
    ['2-layer IndRNN, clipped', () => new IndRNN(6, 8, { numLayers: 2, recurrentMaxAbs: 0.9 })],
  ] as const) {
    it(name, async () => {
      manualSeed(5);
      const model = new Wrap(layer());
      const x = randn([5, 3, 6]);
      const bytes = exportOnnx(model, x, { dynamicAxes: {} });
      expect(maxRelError(nnOutput(model, x), await runOrt(bytes, x))).toBeLessThan(1e-4);
    });
  }
});

describe('exportOnnx: interpolate becomes ONNX Resize, with PyTorch\'s coordinates', () => {
  for (const [name, options] of [
    ['nearest, size 2x', { size: [12, 16], mode: 'nearest' }],
    ['nearest, non-integral size', { size: [9, 13], mode: 'nearest' }],
    ['nearest, scale factor 3', { scaleFactor: 3, mode: 'nearest' }],
    ['bilinear, non-integral size', { size: [11, 19], mode: 'bilinear' }],
    ['bilinear, align corners', { size: [13, 17], mode: 'bilinear', alignCorners: true }],
    ['bilinear, scale factor 1.5 (coordinates from the factor)', { scaleFactor: [1.5, 2.5], mode: 'bilinear' }],
    ['bilinear, downsampling', { size: [4, 3], mode: 'bilinear' }],
  ] as const) {
    it(name, async () => {
      manualSeed(2);
      const model = new Upsample(options as InterpolateOptions);
      const bytes = exportOnnx(model, randn([2, 3, 6, 8]));
      const ops = decodeModel(bytes).graph.node.map((n) => n.opType);
      expect(ops).toContain('Resize');
      expect(ops).not.toContain('MatMul');
      expect(ops).not.toContain('Gather');
      for (const n of [2, 3]) {
        const x = randn([n, 3, 6, 8]);
        expect(maxRelError(nnOutput(model, x), await runOrt(bytes, x))).toBeLessThan(1e-5);
      }
    });
  }
});

describe('exportOnnx: the graph', () => {
  it('folds batch norm into the convolutions (eval), names parameters as the state dict, declares the batch axis symbolic', () => {
    const model = cifarResNet(20);
    const proto = decodeModel(exportOnnx(model, randn([1, 3, 32, 32]), { opset: 13 }));
    const ops = proto.graph.node.map((n) => n.opType);
    expect(ops).not.toContain('BatchNormalization');
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(19);
    expect(proto.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(proto.graph.input![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'batch' });
    expect(proto.graph.initializer!.map((t) => t.name)).toContain('fc.weight');
    const lenet = decodeModel(exportOnnx(lenet5(), randn([1, 1, 28, 28]), { dynamicAxes: false, inputNames: ['image'], outputNames: ['logits'] }));
    expect(lenet.graph.input![0]!.name).toBe('image');
    expect(lenet.graph.output![0]!.type!.tensorType!.shape!.dim).toEqual([{ dimValue: 1 }, { dimValue: 10 }]);
    expect(lenet.graph.node.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Reshape', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
  });

  it('refuses what it cannot write, naming the op and the module', () => {
    class Sorter extends Module {
      forward(x: Tensor): Tensor {
        return x.cumsum(1);
      }
    }
    expect(() => exportOnnx(new Sorter(), randn([2, 3]))).not.toThrow(); // cumsum has a composite form
    class Indexer extends Module {
      forward(x: Tensor): Tensor {
        return x.add(1).argmin(1).cast('float32');
      }
    }
    expect(() => exportOnnx(new Indexer(), randn([2, 3]))).toThrow(OnnxUnsupportedError);
    expect(() => exportOnnx(new Indexer(), randn([2, 3]))).toThrow(/op 'argmin' \(inputs \[2,3\]\) in module '\(top\)' has no ONNX mapping/);
    expect(() => exportOnnx(lenet5(), randn([1, 1, 28, 28]), { opset: 9 })).toThrow(/opset must be an integer from 13 to 21/);
  });
});
