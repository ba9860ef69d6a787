/**
 * @nn/activations: the activation catalog, from step and ramp to PReLU,
 * RReLU, Maxout, ELU, noisy activations, CReLU and MPELU, as functions and
 * as modules, with metadata for each.
 *
 * @example
 * ```ts
 * import { softmax, PReLU, activationInfo } from '@nn/activations';
 * import { tensor } from '@nn/tensor';
 * softmax(tensor([1, 2, 3])).toArray();             // [0.090, 0.245, 0.665]
 * new PReLU(3).call(tensor([[-1, 0, 2]])).toArray(); // [[-0.25, 0, 2]]
 * activationInfo('tanh').saturation;                 // { left: 'soft', right: 'soft' }
 * ```
 * @packageDocumentation
 */
export {
  linear,
  ramp,
  hardtanh,
  step,
  sign,
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  prelu,
  rrelu,
  maxout,
  elu,
  selu,
  crelu,
  mpelu,
  softmax,
  logSoftmax,
  hardSigmoid,
  softplus,
  gelu,
  erf,
  silu,
  swish,
  mish,
  celu,
  hardswish,
  logsigmoid,
  softsign,
  tanhshrink,
  softshrink,
  hardshrink,
  threshold,
  glu,
  channelAxis,
  perChannel,
  type StraightThrough,
} from './functional.js';
export { noisyActivation, noisyHardSigmoid, noisyHardTanh, type NoisyKind, type NoisyOptions } from './noisy.js';
export {
  ReLU,
  Sigmoid,
  Tanh,
  LeakyReLU,
  ELU,
  SELU,
  GELU,
  SiLU,
  Mish,
  Softplus,
  Ramp,
  Hardtanh,
  HardSigmoid,
  Step,
  Sign,
  Softmax,
  LogSoftmax,
  CReLU,
  PReLU,
  RReLU,
  MPELU,
  Maxout,
  NoisyActivation,
  NoisyHardSigmoid,
  NoisyHardTanh,
  CELU,
  Hardswish,
  LogSigmoid,
  Softsign,
  Tanhshrink,
  Softshrink,
  Hardshrink,
  Threshold,
  GLU,
  activation,
  type ActivationName,
} from './modules.js';
export { CATALOG, activationInfo, type ActivationInfo, type Saturation } from './catalog.js';
export { activationsPlugin, ensureActivations } from './plugin.js';
