/**
 * Activation modules: every function of the catalog usable in
 * `Sequential`, with learnable parameters where the function has them and
 * training/evaluation behaviour where it differs.
 * @module
 */
import { full, type FusedActivation, type Tensor, ValueError } from '@nn/tensor';
import { Linear, Module, Parameter } from '@nn/layers-core';
import * as F from './functional.js';
import { type NoisyKind, noisyActivation } from './noisy.js';
import { ensureActivations } from './plugin.js';

/** A module around a stateless function. */
abstract class Stateless extends Module {
  protected abstract apply(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.apply(x);
  }
}

/** ReLU. */
export class ReLU extends Stateless {
  protected apply(x: Tensor) { return F.relu(x); }
  override fusedActivation(): FusedActivation { return { op: 'relu' }; }
}
/** Logistic sigmoid. */
export class Sigmoid extends Stateless {
  protected apply(x: Tensor) { return F.sigmoid(x); }
  override fusedActivation(): FusedActivation { return { op: 'sigmoid' }; }
}
/** Hyperbolic tangent. */
export class Tanh extends Stateless {
  protected apply(x: Tensor) { return F.tanh(x); }
  override fusedActivation(): FusedActivation { return { op: 'tanh' }; }
}
/** Leaky ReLU with a fixed slope. */
export class LeakyReLU extends Stateless {
  constructor(readonly negativeSlope = 0.01) { super(); }
  protected apply(x: Tensor) { return F.leakyRelu(x, this.negativeSlope); }
  override fusedActivation(): FusedActivation { ensureActivations(); return { op: 'leakyRelu', attrs: { slope: this.negativeSlope } }; }
}
/** ELU(α). */
export class ELU extends Stateless {
  constructor(readonly alpha = 1) { super(); }
  protected apply(x: Tensor) { return F.elu(x, this.alpha); }
  override fusedActivation(): FusedActivation | undefined { ensureActivations(); return this.alpha >= 0 ? { op: 'elu', attrs: { alpha: this.alpha } } : undefined; }
}
/** SELU. */
export class SELU extends Stateless {
  protected apply(x: Tensor) { return F.selu(x); }
}
/** GELU, exact or tanh-approximated. */
export class GELU extends Stateless {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  protected apply(x: Tensor) { return F.gelu(x, { approximate: this.approximate }); }
  override fusedActivation(): FusedActivation { ensureActivations(); return { op: 'gelu', attrs: { approximate: this.approximate === 'tanh' ? 1 : 0 } }; }
}
/** SiLU / swish. */
export class SiLU extends Stateless {
  protected apply(x: Tensor) { return F.silu(x); }
}
/** Mish. */
export class Mish extends Stateless {
  protected apply(x: Tensor) { return F.mish(x); }
}
/** Softplus. */
export class Softplus extends Stateless {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  protected apply(x: Tensor) { return F.softplus(x, { beta: this.beta, threshold: this.threshold }); }
}
/** Ramp: clip to [lo, hi]. */
export class Ramp extends Stateless {
  constructor(readonly lo = 0, readonly hi = 1) { super(); }
  protected apply(x: Tensor) { return F.ramp(x, this.lo, this.hi); }
}
/** Hardtanh: clip to [min, max]. */
export class Hardtanh extends Stateless {
  constructor(readonly min = -1, readonly max = 1) { super(); }
  protected apply(x: Tensor) { return F.hardtanh(x, this.min, this.max); }
}
/** Hard sigmoid. */
export class HardSigmoid extends Stateless {
  constructor(readonly slope = 1 / 6) { super(); }
  protected apply(x: Tensor) { return F.hardSigmoid(x, this.slope); }
}
/** Heaviside step (zero gradient unless a straight-through estimator is chosen). */
export class Step extends Stateless {
  constructor(readonly options: { threshold?: number; ste?: F.StraightThrough } = {}) { super(); }
  protected apply(x: Tensor) { return F.step(x, this.options); }
}
/** sign (zero gradient unless a straight-through estimator is chosen). */
export class Sign extends Stateless {
  constructor(readonly options: { ste?: F.StraightThrough } = {}) { super(); }
  protected apply(x: Tensor) { return F.sign(x, this.options); }
}
/** softmax over `axis`. */
export class Softmax extends Stateless {
  constructor(readonly axis = -1) { super(); }
  protected apply(x: Tensor) { return F.softmax(x, this.axis); }
}
/** log-softmax over `axis`. */
export class LogSoftmax extends Stateless {
  constructor(readonly axis = -1) { super(); }
  protected apply(x: Tensor) { return F.logSoftmax(x, this.axis); }
}
/** CReLU: doubles the channel axis. */
export class CReLU extends Stateless {
  constructor(readonly axis?: number) { super(); }
  protected apply(x: Tensor) { return F.crelu(x, this.axis); }
}

/** PReLU: a learnable negative slope, shared (`numParameters = 1`) or one per channel; PyTorch's initial 0.25. */
export class PReLU extends Module {
  weight: Parameter;
  constructor(numParameters = 1, init = 0.25) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new ValueError(`numParameters must be a positive integer, got ${numParameters}`, 'PReLU');
    this.weight = new Parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
}

/** RReLU: random slopes in [lower, upper] while training, their mean in evaluation. */
export class RReLU extends Module {
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3) {
    super();
    if (!(lower <= upper)) throw new ValueError(`lower (${lower}) must not exceed upper (${upper})`, 'RReLU');
  }
  forward(x: Tensor): Tensor {
    return F.rrelu(x, { lower: this.lower, upper: this.upper, training: this.training });
  }
}

/** MPELU: learnable α and β, shared or per channel (initial α = β = 1: ELU). */
export class MPELU extends Module {
  alpha: Parameter;
  beta: Parameter;
  constructor(numParameters = 1, { alpha = 1, beta = 1 }: { alpha?: number; beta?: number } = {}) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new ValueError(`numParameters must be a positive integer, got ${numParameters}`, 'MPELU');
    this.alpha = new Parameter(full([numParameters], alpha));
    this.beta = new Parameter(full([numParameters], beta));
  }
  forward(x: Tensor): Tensor {
    return F.mpelu(x, this.alpha, this.beta);
  }
}

/**
 * Maxout (Goodfellow et al. 2013): `k` affine pieces per output unit, and
 * the max of them: y_j = max_i (x·W_ij + b_ij). A layer with its own weights.
 */
export class Maxout extends Module {
  pieces: Linear;
  constructor(readonly inFeatures: number, readonly outFeatures: number, readonly k: number) {
    super();
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`k must be a positive integer, got ${k}`, 'Maxout');
    this.pieces = new Linear(inFeatures, outFeatures * k);
  }
  forward(x: Tensor): Tensor {
    return F.maxout(this.pieces.call(x), this.k);
  }
}

/** A noisy hard sigmoid or hard tanh: noise while training, its expectation in evaluation; `learnP` makes p a Parameter. */
export class NoisyActivation extends Module {
  p: Parameter | number;
  constructor(readonly kind: NoisyKind, readonly options: { alpha?: number; c?: number; p?: number; learnP?: boolean } = {}) {
    super();
    this.p = options.learnP ? new Parameter(full([1], options.p ?? 1)) : (options.p ?? 1);
  }
  forward(x: Tensor): Tensor {
    const p = typeof this.p === 'number' ? this.p : this.p.reshape([]);
    return noisyActivation(x, this.kind, { alpha: this.options.alpha, c: this.options.c, p, training: this.training });
  }
}
/** Noisy hard sigmoid module. */
export class NoisyHardSigmoid extends NoisyActivation {
  constructor(options: { alpha?: number; c?: number; p?: number; learnP?: boolean } = {}) { super('hardSigmoid', options); }
}
/** Noisy hard tanh module. */
export class NoisyHardTanh extends NoisyActivation {
  constructor(options: { alpha?: number; c?: number; p?: number; learnP?: boolean } = {}) { super('hardTanh', options); }
}

/** CELU(α). */
export class CELU extends Stateless {
  constructor(readonly alpha = 1) { super(); }
  protected apply(x: Tensor) { return F.celu(x, this.alpha); }
}
/** Hard swish. */
export class Hardswish extends Stateless {
  protected apply(x: Tensor) { return F.hardswish(x); }
}
/** log σ(x). */
export class LogSigmoid extends Stateless {
  protected apply(x: Tensor) { return F.logsigmoid(x); }
}
/** Softsign. */
export class Softsign extends Stateless {
  protected apply(x: Tensor) { return F.softsign(x); }
}
/** Tanhshrink. */
export class Tanhshrink extends Stateless {
  protected apply(x: Tensor) { return F.tanhshrink(x); }
}
/** Soft shrinkage with threshold λ. */
export class Softshrink extends Stateless {
  constructor(readonly lambda = 0.5) { super(); }
  protected apply(x: Tensor) { return F.softshrink(x, this.lambda); }
}
/** Hard shrinkage with threshold λ. */
export class Hardshrink extends Stateless {
  constructor(readonly lambda = 0.5) { super(); }
  protected apply(x: Tensor) { return F.hardshrink(x, this.lambda); }
}
/** Threshold: x above `threshold`, `value` elsewhere. */
export class Threshold extends Stateless {
  constructor(readonly threshold: number, readonly value: number) { super(); }
  protected apply(x: Tensor) { return F.threshold(x, this.threshold, this.value); }
}
/** Gated linear unit over `axis` (default last). */
export class GLU extends Stateless {
  constructor(readonly axis = -1) { super(); }
  protected apply(x: Tensor) { return F.glu(x, this.axis); }
}

/** Names accepted by {@link activation}. */
export type ActivationName =
  | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu' | 'elu' | 'selu' | 'gelu' | 'silu' | 'swish' | 'mish' | 'softplus'
  | 'ramp' | 'hardtanh' | 'hardSigmoid' | 'step' | 'sign' | 'prelu' | 'rrelu' | 'mpelu' | 'crelu'
  | 'noisyHardSigmoid' | 'noisyHardTanh'
  | 'celu' | 'hardswish' | 'logsigmoid' | 'softsign' | 'tanhshrink' | 'softshrink' | 'hardshrink' | 'glu';

const BY_NAME: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  selu: () => new SELU(),
  gelu: () => new GELU(),
  silu: () => new SiLU(),
  swish: () => new SiLU(),
  mish: () => new Mish(),
  softplus: () => new Softplus(),
  ramp: () => new Ramp(),
  hardtanh: () => new Hardtanh(),
  hardSigmoid: () => new HardSigmoid(),
  step: () => new Step(),
  sign: () => new Sign(),
  prelu: () => new PReLU(),
  rrelu: () => new RReLU(),
  mpelu: () => new MPELU(),
  crelu: () => new CReLU(),
  noisyHardSigmoid: () => new NoisyHardSigmoid(),
  noisyHardTanh: () => new NoisyHardTanh(),
  celu: () => new CELU(),
  hardswish: () => new Hardswish(),
  logsigmoid: () => new LogSigmoid(),
  softsign: () => new Softsign(),
  tanhshrink: () => new Tanhshrink(),
  softshrink: () => new Softshrink(),
  hardshrink: () => new Hardshrink(),
  glu: () => new GLU(),
};

/** An activation module by name (for model builders and the command line). */
export function activation(name: ActivationName): Module {
  const make = BY_NAME[name];
  if (make === undefined) throw new ValueError(`unknown activation '${String(name)}' (known: ${Object.keys(BY_NAME).join(', ')})`, 'activation');
  return make();
}
