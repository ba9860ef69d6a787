/**
 * nn's own layers and models, with the constructor arguments that rebuild
 * each from an instance. Weights are loaded after construction, so
 * initialisation-only arguments (PReLU's initial slope, LSTM's forget-gate
 * bias) are not kept.
 * @module
 */
import * as A from '@nn/activations';
import * as C from '@nn/layers-conv';
import { Dropout, Flatten, Identity, Linear, type Module, Sequential } from '@nn/layers-core';
import * as R from '@nn/layers-recurrent';
import { CharLSTM } from '../char-lm.js';
import { DeconvNet } from '../deconvnet.js';
import { FCN } from '../fcn.js';
import { GoogLeNet } from '../googlenet.js';
import { BasicBlock, Bottleneck, CifarBlock, CifarResNet, ResNet } from '../resnet.js';
import { SequenceClassifier } from '../sequence-classifier.js';
import { VGG } from '../vgg.js';
import type { SpecValue } from './module-spec.js';

/** A registration: the stored type name, the class, and its arguments from an instance. */
export type KnownModule = [type: string, cls: new (...args: never[]) => Module, args: (m: never) => readonly SpecValue[]];

// The type is spelled out, not taken from `cls.name`: a minifying bundler renames classes.
function known<M extends Module>(type: string, cls: new (...args: never[]) => M, args: (m: M) => readonly SpecValue[]): KnownModule {
  return [type, cls, args as (m: never) => readonly SpecValue[]];
}

const none = (): SpecValue[] => [];

/** Options of a conv module as given to its constructor: its own options plus whether it has a bias. */
function convOptions(m: { options: object; bias: unknown }): SpecValue {
  return { ...(m.options as Record<string, SpecValue>), bias: m.bias !== null };
}

function recurrentOptions(m: R.RNN | R.LSTM | R.GRU): Record<string, SpecValue> {
  return { numLayers: m.numLayers, bidirectional: m.directions === 2, dropout: m.dropout, batchFirst: m.batchFirst, bias: m.cells[0]!.biasIh !== null };
}

export const KNOWN_MODULES: readonly KnownModule[] = [
  known('Sequential', Sequential, (m) => m.layers),
  known('Linear', Linear, (m) => [m.inFeatures, m.outFeatures, { bias: m.bias !== null }]),
  known('Flatten', Flatten, (m) => [m.startDim, m.endDim]),
  known('Identity', Identity, none),
  known('Dropout', Dropout, (m) => [m.p]),

  ...(
    [['ReLU', A.ReLU], ['Sigmoid', A.Sigmoid], ['Tanh', A.Tanh], ['SELU', A.SELU], ['SiLU', A.SiLU], ['Mish', A.Mish], ['Hardswish', A.Hardswish], ['LogSigmoid', A.LogSigmoid], ['Softsign', A.Softsign], ['Tanhshrink', A.Tanhshrink]] as [string, new () => Module][]
  ).map(([type, cls]) => known(type, cls, none)),
  known('LeakyReLU', A.LeakyReLU, (m) => [m.negativeSlope]),
  known('ELU', A.ELU, (m) => [m.alpha]),
  known('CELU', A.CELU, (m) => [m.alpha]),
  known('GELU', A.GELU, (m) => [m.approximate]),
  known('Softplus', A.Softplus, (m) => [m.beta, m.threshold]),
  known('Ramp', A.Ramp, (m) => [m.lo, m.hi]),
  known('Hardtanh', A.Hardtanh, (m) => [m.min, m.max]),
  known('HardSigmoid', A.HardSigmoid, (m) => [m.slope]),
  known('Step', A.Step, (m) => [m.options]),
  known('Sign', A.Sign, (m) => [m.options]),
  known('Softmax', A.Softmax, (m) => [m.axis]),
  known('LogSoftmax', A.LogSoftmax, (m) => [m.axis]),
  known('GLU', A.GLU, (m) => [m.axis]),
  known('CReLU', A.CReLU, (m) => [m.axis]),
  known('Softshrink', A.Softshrink, (m) => [m.lambda]),
  known('Hardshrink', A.Hardshrink, (m) => [m.lambda]),
  known('Threshold', A.Threshold, (m) => [m.threshold, m.value]),
  known('PReLU', A.PReLU, (m) => [m.weight.shape[0]!]),
  known('RReLU', A.RReLU, (m) => [m.lower, m.upper]),
  known('MPELU', A.MPELU, (m) => [m.alpha.shape[0]!]),
  known('Maxout', A.Maxout, (m) => [m.inFeatures, m.outFeatures, m.k]),
  known('NoisyActivation', A.NoisyActivation, (m) => [m.kind, m.options]),
  known('NoisyHardSigmoid', A.NoisyHardSigmoid, (m) => [m.options]),
  known('NoisyHardTanh', A.NoisyHardTanh, (m) => [m.options]),

  known('Conv2d', C.Conv2d, (m) => [m.inChannels, m.outChannels, [m.weight.shape[2]!, m.weight.shape[3]!], convOptions(m)]),
  known('ConvTranspose2d', C.ConvTranspose2d, (m) => [m.inChannels, m.outChannels, [m.weight.shape[2]!, m.weight.shape[3]!], convOptions(m)]),
  known('Conv1d', C.Conv1d, (m) => [m.inChannels, m.outChannels, m.kernelSize, m.options]),
  known('MaxPool2d', C.MaxPool2d, (m) => [m.kernelSize, m.options]),
  known('AvgPool2d', C.AvgPool2d, (m) => [m.kernelSize, m.options]),
  known('AdaptiveAvgPool2d', C.AdaptiveAvgPool2d, (m) => [m.outputSize]),
  known('MaxUnpool2d', C.MaxUnpool2d, (m) => [m.kernelSize, m.options]),
  known('Upsample', C.Upsample, (m) => [m.options]),
  ...([['BatchNorm1d', C.BatchNorm1d], ['BatchNorm2d', C.BatchNorm2d]] as const).map(([type, cls]) =>
    known(type, cls, (m) => [m.numFeatures, { eps: m.eps, momentum: m.momentum, affine: m.weight !== null, trackRunningStats: m.runningMean !== null }]),
  ),
  known('Dropout2d', C.Dropout2d, (m) => [m.p]),
  known('LocalResponseNorm', C.LocalResponseNorm, (m) => [m.size, m.alpha, m.beta, m.k]),

  known('RNN', R.RNN, (m) => [m.inputSize, m.hiddenSize, { ...recurrentOptions(m), nonlinearity: (m.cells[0] as R.RNNCell).nonlinearity }]),
  known('LSTM', R.LSTM, (m) => [m.inputSize, m.hiddenSize, recurrentOptions(m)]),
  known('GRU', R.GRU, (m) => [m.inputSize, m.hiddenSize, recurrentOptions(m)]),
  known('RNNCell', R.RNNCell, (m) => [m.inputSize, m.hiddenSize, { bias: m.biasIh !== null, nonlinearity: m.nonlinearity }]),
  known('LSTMCell', R.LSTMCell, (m) => [m.inputSize, m.hiddenSize, { bias: m.biasIh !== null }]),
  known('GRUCell', R.GRUCell, (m) => [m.inputSize, m.hiddenSize, { bias: m.biasIh !== null }]),
  known('Embedding', R.Embedding, (m) => [m.numEmbeddings, m.embeddingDim]),

  known('CharLSTM', CharLSTM, (m) => [m.vocabSize, { embeddingDim: m.embedding.embeddingDim, hiddenSize: m.lstm.hiddenSize, numLayers: m.lstm.numLayers, dropout: m.lstm.dropout }]),
  known('ResNet', ResNet, (m) => [{ ...m.options }]),
  known('CifarResNet', CifarResNet, (m) => [{ ...m.options, widths: [...m.options.widths] }]),
  known('BasicBlock', BasicBlock, (m) => [m.inPlanes, m.planes, m.stride]),
  known('Bottleneck', Bottleneck, (m) => [m.inPlanes, m.planes, m.stride]),
  known('CifarBlock', CifarBlock, (m) => [m.inPlanes, m.planes, m.stride, m.residual]),
  known('VGG', VGG, (m) => [{ ...m.options }]),
  known('FCN', FCN, (m) => [m.options as unknown as SpecValue]),
  known('DeconvNet', DeconvNet, (m) => [m.options as unknown as SpecValue]),
  known('GoogLeNet', GoogLeNet, (m) => [{ ...m.options }]),
  known('SequenceClassifier', SequenceClassifier, (m) => [
    m.inputSize,
    m.numClasses,
    {
      cell: m.rnn instanceof R.LSTM ? 'lstm' : m.rnn instanceof R.GRU ? 'gru' : 'rnn',
      hiddenSize: m.rnn.hiddenSize,
      numLayers: m.rnn.numLayers,
      bidirectional: m.rnn.directions === 2,
      vocabSize: m.embedding?.numEmbeddings,
      embeddingDim: m.embedding?.embeddingDim,
    },
  ]),
];
