import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GELU, Hardtanh, LeakyReLU, PReLU, ReLU, Softplus } from '@nn/activations';
import { BatchNorm2d, Conv2d, ConvTranspose2d, MaxPool2d, Upsample } from '@nn/layers-conv';
import { Dropout, Flatten, Linear, Module, Sequential } from '@nn/layers-core';
import { RNN } from '@nn/layers-recurrent';
import { saveSafetensors } from '@nn/io';
import { getSeedState, manualSeed, NNError, randn, tensor, type Tensor, ValueError } from '@nn/tensor';
import { CharLSTM, describeModel, lenet5, loadModel, mlp, ModelFormatError, parseModel, registerModule, saveModel, SequenceClassifier, serializeModel } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'nn-saved-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const dir = () => join(root, `run${runs++}`);

/** Saves and reloads `model` through a directory. */
function roundTrip<M extends Module>(model: M): Module {
  const where = dir();
  saveModel(model, where);
  return loadModel(where);
}

function expectSameOutputs(a: Module, b: Module, x: Tensor): void {
  a.eval();
  b.eval();
  expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
}

describe('saveModel / loadModel', () => {
  it('rebuilds an mlp as a Sequential of the same layers, with its weights and training mode', () => {
    manualSeed(1);
    const model = mlp([12, 8, 3], { activation: 'tanh', dropout: 0.25 });
    const loaded = roundTrip(model) as Sequential;
    expect(loaded).toBeInstanceOf(Sequential);
    expect(loaded.layers.map((l) => l.constructor.name)).toEqual(model.layers.map((l) => l.constructor.name));
    expect((loaded.layers[3] as Dropout).p).toBe(0.25);
    expect(loaded.training).toBe(true);
    expect(Object.keys(loaded.stateDict())).toEqual(Object.keys(model.stateDict()));
    expectSameOutputs(model, loaded, randn([4, 12]));
    expect(roundTrip(model.eval()).training).toBe(false);
  });

  it('rebuilds lenet5 with the original tanh and average pooling', () => {
    manualSeed(2);
    const model = lenet5({ activation: 'tanh', pooling: 'avg', classes: 5 });
    const loaded = roundTrip(model);
    expect(loaded.summary([1, 1, 28, 28])).toBe(model.summary([1, 1, 28, 28]));
    expectSameOutputs(model, loaded, randn([2, 1, 28, 28]));
  });

  it('keeps every constructor argument of conv, norm, pooling and activation layers, and running statistics', () => {
    manualSeed(3);
    const model = new Sequential(
      new Conv2d(2, 4, [3, 1], { padding: 'same', bias: false }),
      new BatchNorm2d(4, { momentum: 0.3, eps: 1e-3 }),
      new PReLU(4),
      new MaxPool2d(2, { stride: 1, ceilMode: true }),
      new Upsample({ scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }),
      new ConvTranspose2d(4, 3, 2, { stride: 2, padding: 1 }),
      new LeakyReLU(0.2),
      new Softplus(2, 10),
      new Hardtanh(-Infinity, 6),
      new Flatten(),
      new GELU('tanh'),
    );
    model.forward(randn([3, 2, 6, 6])); // moves the running statistics away from 0 and 1
    const loaded = roundTrip(model) as Sequential;
    const bn = loaded.layers[1] as BatchNorm2d;
    expect([bn.momentum, bn.eps]).toEqual([0.3, 1e-3]);
    expect(Array.from(bn.runningMean!.dataSync())).toEqual(Array.from((model.layers[1] as BatchNorm2d).runningMean!.dataSync()));
    expect((loaded.layers[0] as Conv2d).bias).toBeNull();
    expect((loaded.layers[8] as Hardtanh).min).toBe(-Infinity);
    expect((loaded.layers[10] as GELU).approximate).toBe('tanh');
    expectSameOutputs(model, loaded, randn([2, 2, 6, 6]));
  });

  it('rebuilds the recurrent models and layers with their options', () => {
    manualSeed(4);
    const lm = new CharLSTM(11, { embeddingDim: 5, hiddenSize: 7, numLayers: 2, dropout: 0.1 });
    const ids = tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), [3, 2], 'int32');
    const lmLoaded = roundTrip(lm);
    expect(lmLoaded).toBeInstanceOf(CharLSTM);
    expectSameOutputs(lm, lmLoaded, ids);

    const classifier = new SequenceClassifier(0, 3, { cell: 'gru', hiddenSize: 6, bidirectional: true, vocabSize: 11, embeddingDim: 4 });
    expectSameOutputs(classifier, roundTrip(classifier), ids);

    const rnn = new Sequential(new RNN(3, 5, { nonlinearity: 'relu', batchFirst: true, bias: false }));
    const rnnLoaded = (roundTrip(rnn) as Sequential).layers[0] as RNN;
    expect([rnnLoaded.batchFirst, rnnLoaded.cells[0]!.biasIh]).toEqual([true, null]);
    expectSameOutputs(rnn, rnnLoaded, randn([2, 4, 3]).sub(2));
  });

  it('round-trips through bytes, and loads from the file path too', () => {
    manualSeed(5);
    const model = mlp([3, 2]);
    const loaded = parseModel(serializeModel(model, { note: 'x' }));
    expectSameOutputs(model, loaded, randn([2, 3]));
    const where = dir();
    saveModel(model, where);
    expectSameOutputs(model, loadModel(join(where, 'model.safetensors')), randn([2, 3]));
  });

  it('leaves the global random state as it was', () => {
    const where = dir();
    saveModel(lenet5(), where);
    manualSeed(6);
    const before = getSeedState();
    loadModel(where);
    expect(getSeedState()).toBe(before);
  });

  it('saves user classes given to registerModule, and names the class that is not registered', () => {
    class Scale extends Module {
      constructor(readonly factor: number) { super(); }
      forward(x: Tensor) { return x.mul(this.factor); }
    }
    class Unknown extends Module {
      forward(x: Tensor) { return x; }
    }
    expect(() => saveModel(new Sequential(new Linear(2, 2), new Unknown()), dir())).toThrow(/saveModel: model\.args\[1\] is a Unknown, which is not registered: call registerModule\('Unknown'/);
    registerModule('Scale', Scale, (m) => [m.factor]);
    const loaded = roundTrip(new Sequential(new Scale(3))) as Sequential;
    expect((loaded.layers[0] as Scale).factor).toBe(3);
    expect(() => registerModule('Scale', Unknown, () => [])).toThrow(ValueError);
    // A subclass of a registered layer is not that layer: its forward may differ.
    class Doubled extends ReLU {}
    expect(() => describeModel(new Doubled())).toThrow(/Doubled, which is not registered/);
  });

  it('refuses files without an architecture, or with a corrupt one, with a typed error', () => {
    const plain = join(root, 'weights.safetensors');
    saveSafetensors(plain, mlp([2, 2]).stateDict());
    expect(() => loadModel(plain)).toThrow(/weights\.safetensors: holds weights but no architecture/);
    const weights = mlp([2, 2]).stateDict();
    const bad = (architecture: string) => {
      const file = join(root, `bad${runs++}.safetensors`);
      saveSafetensors(file, weights, { 'nn.model': architecture });
      return () => loadModel(file);
    };
    expect(bad('{not json')).toThrow(ModelFormatError);
    expect(bad(JSON.stringify({ format: 2 }))).toThrow(/architecture format 2 is not one this version reads/);
    expect(bad(JSON.stringify({ format: 1, module: { type: 'Nope', args: [] } }))).toThrow(/model has type 'Nope', which is not registered/);
    expect(bad(JSON.stringify({ format: 1, module: { type: 'Linear', args: [-1, 2] } }))).toThrow(/Linear refuses the stored arguments: Linear: inFeatures must be a positive integer/);
    // weights that do not fit the architecture: the state-dict error, as from loadStateDict
    expect(bad(JSON.stringify({ format: 1, module: { type: 'Linear', args: [3, 2] } }))).toThrow(/unexpected keys/);
    expect(() => loadModel(join(root, 'missing'))).toThrow(NNError);
  });
});
