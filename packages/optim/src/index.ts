/**
 * @nn/optim: optimizers, learning-rate schedulers, gradient clipping and
 * weight penalties.
 *
 * @example
 * ```ts
 * import { Adam } from '@nn/optim';
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * tidy(() => crossEntropy(model.call(x), y).backward());
 * opt.step();
 * opt.zeroGrad();
 * ```
 * @packageDocumentation
 */
export {
  Optimizer,
  type OptimizerState,
  type Hyperparameters,
  type BaseHyperparameters,
  type ParamGroup,
  type ParamGroupOptions,
  type OptimizerParams,
  type UpdateContext,
  type UpdateResult,
} from './optimizer.js';
export { SGD, type SGDOptions, type SGDHyperparameters } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamHyperparameters } from './adam.js';
export { RMSProp, Adagrad, type RMSPropOptions, type AdagradOptions, type RMSPropHyperparameters, type AdagradHyperparameters } from './rmsprop.js';
export {
  LRScheduler,
  StepLR,
  ExponentialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  LinearLR,
  PolynomialLR,
  SequentialLR,
  OneCycleLR,
  ReduceLROnPlateau,
  type PlateauOptions,
  type SchedulerState,
  type WarmRestartsOptions,
  type LinearLROptions,
  type OneCycleOptions,
} from './schedulers.js';
export { LBFGS, type LBFGSOptions, type LossClosure } from './lbfgs.js';
export { strongWolfe, cubicInterpolate, type Vec, type StrongWolfeOptions, type LineSearchResult, type DirectionalObjective } from './line-search.js';
export { clipGradNorm, clipGradValue, l1Penalty, l2Penalty } from './clip.js';
