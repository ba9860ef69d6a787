/**
 * @nn/models: ready-made networks.
 *
 * @example
 * ```ts
 * import { mlp } from '@nn/models';
 * const model = mlp([784, 256, 10], { activation: 'relu' });
 * console.log(model.summary([1, 784]));
 * const net = lenet5(); // 61,706 parameters
 * ```
 * @packageDocumentation
 */
export { mlp, type MlpOptions } from './mlp.js';
export { lenet5, type LeNetOptions } from './lenet.js';
export { CharLSTM, type CharLSTMOptions } from './char-lm.js';
export { SequenceClassifier, type SequenceClassifierOptions } from './sequence-classifier.js';
export { ResNet, BasicBlock, Bottleneck, CifarResNet, CifarBlock, resnet18, resnet34, resnet50, resnet101, resnet152, cifarResNet, plainNet, RESNET_DEPTHS, type ResNetOptions, type CifarResNetOptions } from './resnet.js';
export { VGG, vgg, VGG_CONFIGS, type VggOptions } from './vgg.js';
export { GoogLeNet, Inception, InceptionAux, BasicConv2d, type ConvStyle, type GoogLeNetOptions, type GoogLeNetOutputs } from './googlenet.js';
export { saveModel, loadModel, serializeModel, parseModel, describeModel, MODEL_FILE, ARCHITECTURE_KEY } from './saved-model/save-model.js';
export { registerModule, ModelFormatError, type ModuleSpec, type SpecValue } from './saved-model/module-spec.js';
export { FCN, fcn32s, fcn16s, fcn8s, Coords, type FcnOptions } from './fcn.js';
export { DeconvNet, deconvNet, type DeconvNetOptions } from './deconvnet.js';
export { type SegmentationBackbone, type BackboneLayout } from './segmentation-backbone.js';
