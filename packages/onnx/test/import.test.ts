import { describe, expect, it } from 'vitest';
import { noGrad } from '@nn/autograd';
import { wasmPlugin } from '@nn/backend-wasm';
import { crossEntropy } from '@nn/layers-core';
import { cifarResNet, DeconvNet, GoogLeNet, lenet5 } from '@nn/models';
import { Adam } from '@nn/optim';
import { DTypeError, manualSeed, randint, randn, setBackend, ShapeError, tensor, tidy, use } from '@nn/tensor';
import { encodeModel, exportOnnx, importOnnx, OnnxFormatError, type OnnxModelProto, type OnnxNode, type OnnxTensor, OnnxUnsupportedError } from '../src/index.js';
import { maxRelError, nnOutput, runOrt } from './helpers.js';

describe('importOnnx: export, import, the same outputs', () => {
  for (const [name, make, shape] of [
    ['LeNet-5', () => lenet5(), [1, 28, 28]],
    ['CIFAR ResNet-20', () => cifarResNet(20), [3, 32, 32]],
    ['GoogLeNet (paper)', () => new GoogLeNet({ auxLogits: false, classes: 10 }), [3, 64, 64]],
    ['DeconvNet', () => new DeconvNet({ backbone: { widths: [8, 16, 32, 64, 64], fcWidth: 64 }, classes: 5, inChannels: 1, fcKernel: 1 }), [1, 64, 64]],
  ] as const) {
    it(name, () => {
      manualSeed(6);
      const model = make();
      const imported = importOnnx(exportOnnx(model, randn([2, ...shape])));
      for (const n of [1, 3]) {
        const x = randn([n, ...shape]);
        expect(maxRelError(nnOutput(model, x), nnOutput(imported, x))).toBeLessThan(1e-5);
      }
    }, 30_000);
  }

  it('runs on the wasm backend as on cpu, and exports again (import, then export: onnxruntime agrees)', async () => {
    manualSeed(7);
    const imported = importOnnx(exportOnnx(lenet5(), randn([1, 1, 28, 28])));
    const x = randn([4, 1, 28, 28]);
    const onCpu = nnOutput(imported, x);
    use(wasmPlugin);
    await setBackend('wasm');
    try {
      expect(maxRelError(onCpu, nnOutput(imported, x))).toBeLessThan(1e-5);
    } finally {
      await setBackend('cpu');
    }
    const again = exportOnnx(imported, randn([2, 1, 28, 28]));
    expect(maxRelError(onCpu, await runOrt(again, x))).toBeLessThan(1e-5);
  });

  it('an imported LeNet trains: its initializers are Parameters, and Adam lowers its loss exactly as it lowers the original one', () => {
    manualSeed(8);
    const original = lenet5();
    const model = importOnnx(exportOnnx(original, randn([1, 1, 28, 28])));
    expect(model.parameters().map((p) => p.shape)).toContainEqual([6, 1, 5, 5]);
    expect(Object.keys(model.stateDict())).toContain('9.weight'); // the state-dict names (LeNet-5 is a Sequential) travel as initializer names
    const x = randn([32, 1, 28, 28]), y = randint(0, 10, [32]);
    const losses = (m: typeof original) => {
      const opt = new Adam(m.parameters(), { lr: 3e-3 });
      m.train();
      return Array.from({ length: 15 }, () => {
        const loss = tidy(() => {
          const l = crossEntropy(m.call(x), y);
          l.backward();
          return l.item();
        });
        opt.step();
        opt.zeroGrad();
        return loss;
      });
    };
    const [ours, theirs] = [losses(model), losses(original)];
    expect(ours.at(-1)!).toBeLessThan(ours[0]! * 0.7);
    ours.forEach((l, i) => expect(l).toBeCloseTo(theirs[i]!, 4));
    expect(noGrad(() => crossEntropy(model.call(x), y).item())).toBeLessThan(ours[0]!);
  });
});

// ---- Graphs as other exporters write them (PyTorch's, tf2onnx's), built by hand.

const f32 = (name: string, dims: number[], values: number[]): OnnxTensor => ({ name, dims, dataType: 1, floatData: values });
const i64 = (name: string, values: number[], dims = [values.length]): OnnxTensor => ({ name, dims, dataType: 7, int64Data: values });
const node = (opType: string, input: string[], output: string[], attribute: OnnxNode['attribute'] = []): OnnxNode => ({ opType, input, output, name: `${opType}_${output[0]}`, attribute });
const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
const intAttr = (name: string, v: number) => ({ name, type: 2, i: v });
const floatAttr = (name: string, v: number) => ({ name, type: 1, f: v });
const valueInfo = (name: string, dims: (number | string)[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
const seq = (n: number, scale = 0.1) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * scale);

function model(opset: number, nodes: OnnxNode[], initializer: OnnxTensor[], inputs: ReturnType<typeof valueInfo>[], outputs: ReturnType<typeof valueInfo>[]): Uint8Array {
  const m: OnnxModelProto = { irVersion: opset >= 13 ? 7 : 4, opsetImport: [{ domain: '', version: opset }], producerName: 'hand-built', graph: { name: 'g', node: nodes, initializer, input: inputs, output: outputs } };
  return encodeModel(m);
}

describe('importOnnx: models nn did not write agree with onnxruntime', () => {
  it('opset 9: a Conv whose weight comes from a Constant node (no initializers), BatchNormalization, Gemm with transB, Reshape of a computed shape', async () => {
    const weight = f32('w', [4, 2, 3, 3], seq(72));
    const bytes = model(
      9,
      [
        node('Constant', [], ['w'], [{ name: 'value', type: 4, t: weight }]),
        node('Constant', [], ['bn_scale'], [{ name: 'value', type: 4, t: f32('', [4], [1, 0.5, 2, 1.5]) }]),
        node('Constant', [], ['bn_bias'], [{ name: 'value', type: 4, t: f32('', [4], [0.1, -0.2, 0, 0.3]) }]),
        node('Constant', [], ['bn_mean'], [{ name: 'value', type: 4, t: f32('', [4], [0.05, 0, -0.1, 0.2]) }]),
        node('Constant', [], ['bn_var'], [{ name: 'value', type: 4, t: f32('', [4], [1, 0.5, 2, 0.25]) }]),
        node('Conv', ['x', 'w'], ['c'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])]),
        node('BatchNormalization', ['c', 'bn_scale', 'bn_bias', 'bn_mean', 'bn_var'], ['b'], [floatAttr('epsilon', 1e-3), floatAttr('momentum', 0.9)]),
        node('Relu', ['b'], ['r']),
        // PyTorch's flatten as its exporter writes it: Shape -> Gather(0) -> Unsqueeze -> Concat with -1 -> Reshape.
        node('Shape', ['r'], ['s']),
        node('Constant', [], ['zero'], [{ name: 'value', type: 4, t: i64('', [0], []) }]),
        node('Gather', ['s', 'zero'], ['n'], [intAttr('axis', 0)]),
        node('Unsqueeze', ['n'], ['n1'], [ints('axes', [0])]),
        node('Constant', [], ['minus1'], [{ name: 'value', type: 4, t: i64('', [-1]) }]),
        node('Concat', ['n1', 'minus1'], ['shape'], [intAttr('axis', 0)]),
        node('Reshape', ['r', 'shape'], ['flat']),
        node('Gemm', ['flat', 'fc_w', 'fc_b'], ['y'], [intAttr('transB', 1), floatAttr('alpha', 1), floatAttr('beta', 1)]),
      ],
      [f32('fc_w', [3, 64], seq(192)), f32('fc_b', [3], [0.1, 0.2, 0.3])],
      [valueInfo('x', ['N', 2, 8, 8])],
      [valueInfo('y', ['N', 3])],
    );
    const imported = importOnnx(bytes);
    for (const n of [1, 3]) {
      const x = randn([n, 2, 8, 8]);
      expect(maxRelError(await runOrt(bytes, x, { input: 'x', output: 'y' }), nnOutput(imported, x))).toBeLessThan(1e-5);
    }
  });

  it('opset 17: Gemm with transA, alpha and beta; Pad, MaxPool with auto_pad SAME_UPPER, AveragePool without the padding in its divisor, Softmax', async () => {
    const bytes = model(
      17,
      [
        node('Pad', ['x', 'pads', 'pv'], ['p'], [{ name: 'mode', type: 3, s: new TextEncoder().encode('constant') }]),
        node('MaxPool', ['p'], ['m'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), { name: 'auto_pad', type: 3, s: new TextEncoder().encode('SAME_UPPER') }]),
        node('AveragePool', ['m'], ['a'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
        node('Flatten', ['a'], ['f']),
        node('Transpose', ['f'], ['ft']),
        node('Gemm', ['ft', 'w', 'b'], ['g'], [intAttr('transA', 1), floatAttr('alpha', 0.5), floatAttr('beta', 2)]),
        node('Softmax', ['g'], ['y'], [intAttr('axis', -1)]),
      ],
      [i64('pads', [0, 0, 1, 0, 0, 0, 0, 1]), f32('pv', [], [0.25]), f32('w', [24, 4], seq(96, 0.3)), f32('b', [4], [0.1, 0, -0.1, 0.2])],
      [valueInfo('x', [2, 2, 5, 6])],
      [valueInfo('y', [2, 4])],
    );
    const x = randn([2, 2, 5, 6]);
    expect(maxRelError(await runOrt(bytes, x, { input: 'x', output: 'y' }), nnOutput(importOnnx(bytes), x))).toBeLessThan(1e-5);
  });
  it('opset 13: Resize (linear half_pixel, nearest asymmetric), MaxPool -> MaxUnpool with its Indices, LeakyRelu, Clip, Concat', async () => {
    const str = (name: string, v: string) => ({ name, type: 3, s: new TextEncoder().encode(v) });
    const bytes = model(
      13,
      [
        node('Resize', ['x', '', 'scales'], ['up'], [str('mode', 'linear'), str('coordinate_transformation_mode', 'half_pixel')]),
        node('Resize', ['x', '', 'scales'], ['near'], [str('mode', 'nearest'), str('coordinate_transformation_mode', 'asymmetric'), str('nearest_mode', 'floor')]),
        node('Concat', ['up', 'near'], ['cat'], [intAttr('axis', 1)]),
        node('MaxPool', ['cat'], ['pooled', 'idx'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
        node('LeakyRelu', ['pooled'], ['lr'], [floatAttr('alpha', 0.2)]),
        node('MaxUnpool', ['lr', 'idx'], ['un'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
        node('Clip', ['un', 'lo', 'hi'], ['y']),
      ],
      [f32('scales', [4], [1, 1, 2, 2]), f32('lo', [], [-0.3]), f32('hi', [], [0.8])],
      [valueInfo('x', [2, 3, 4, 5])],
      [valueInfo('y', [2, 6, 8, 10])],
    );
    const x = randn([2, 3, 4, 5]);
    expect(maxRelError(await runOrt(bytes, x, { input: 'x', output: 'y' }), nnOutput(importOnnx(bytes), x))).toBeLessThan(1e-5);
  });
});

describe('importOnnx: 1-D windows', () => {
  it('Conv, MaxPool and AveragePool over [N, C, L] with 1-D pads and strides agree with onnxruntime', async () => {
    for (const op of ['Conv', 'MaxPool', 'AveragePool']) {
      const attrs = [ints('pads', [1, 2]), ints('strides', [2]), ...(op === 'Conv' ? [] : [ints('kernel_shape', [3])])];
      const bytes = model(17, [node(op, op === 'Conv' ? ['x', 'w'] : ['x'], ['y'], attrs)], op === 'Conv' ? [f32('w', [4, 2, 3], seq(24))] : [], [valueInfo('x', [2, 2, 11])], [valueInfo('y', [2, op === 'Conv' ? 4 : 2, 6])]);
      const x = randn([2, 2, 11]);
      expect(maxRelError(await runOrt(bytes, x, { input: 'x', output: 'y' }), nnOutput(importOnnx(bytes), x)), op).toBeLessThan(1e-5);
    }
  });
});

describe('importOnnx: variadic ops', () => {
  it('Sum, Mean, Max and Min of three inputs agree with onnxruntime', async () => {
    for (const op of ['Sum', 'Mean', 'Max', 'Min']) {
      const bytes = model(13, [node(op, ['x', 'a', 'b'], ['y'])], [f32('a', [2, 3], seq(6, 1)), f32('b', [3], [0.5, -0.5, 0.25])], [valueInfo('x', [2, 3])], [valueInfo('y', [2, 3])]);
      const x = randn([2, 3]);
      expect(maxRelError(await runOrt(bytes, x, { input: 'x', output: 'y' }), nnOutput(importOnnx(bytes), x)), op).toBeLessThan(1e-6);
    }
  });
});

describe('importOnnx: bad input is a typed error', () => {
  const lenet = exportOnnx(lenet5(), randn([1, 1, 28, 28]));

  it('a truncated file, or one that is not ONNX', () => {
    expect(() => importOnnx(lenet.slice(0, lenet.length >> 1))).toThrow(OnnxFormatError);
    expect(() => importOnnx(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(/not an ONNX model/);
    expect(() => importOnnx(new Uint8Array(0))).toThrow(OnnxFormatError);
  });

  it('an op nn does not run names the op, the node and the opset', () => {
    const bytes = model(13, [node('Relu', ['x'], ['r']), node('NonMaxSuppression', ['r'], ['y'])], [], [valueInfo('x', [1, 4])], [valueInfo('y', [1, 4])]);
    expect(() => importOnnx(bytes)).toThrow(OnnxUnsupportedError);
    expect(() => importOnnx(bytes)).toThrow("unsupported op at opset 13: NonMaxSuppression (node 'NonMaxSuppression_y')");
    const custom = model(13, [{ ...node('Relu', ['x'], ['y']), domain: 'com.microsoft' }], [], [valueInfo('x', [1, 4])], [valueInfo('y', [1, 4])]);
    expect(() => importOnnx(custom)).toThrow(/com\.microsoft\.Relu/);
  });

  it('an input of the wrong shape or dtype', () => {
    const m = importOnnx(lenet);
    expect(() => m.call(randn([2, 1, 32, 32]))).toThrow(ShapeError);
    expect(() => m.call(randn([2, 1, 32, 32]))).toThrow("input 'input' must be [batch, 1, 28, 28], got [2,1,32,32]");
    expect(() => m.call(tensor(new Int32Array(784), [1, 1, 28, 28], 'int32'))).toThrow(DTypeError);
    expect(() => m.call()).toThrow(/the graph takes 1 input \(input\), got 0/);
  });
});
