/**
 * A convolution followed by batch norm (and an activation), the unit of
 * VGG-BN, ResNet and GoogLeNet, run as one fused convolution in evaluation:
 * with the running statistics fixed, batch norm is a per-channel scale s =
 * γ/√(var + eps) and shift, so it folds into the filters (w·s) and a bias
 * (β − mean·s + b·s), and the activation joins the convolution's epilogue.
 * One op instead of three passes over the activations.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { applyActivation, type FusedActivation, getEngine, keep, type Tensor, tidy } from '@nn/tensor';
import * as F from './functional.js';
import type { BatchNorm2d, Conv2d } from './modules.js';

interface Folded {
  /** The storage the fold was computed from: conv weight and bias, bn weight, bias, running mean and variance. */
  readonly sources: readonly unknown[];
  readonly weight: Tensor;
  readonly bias: Tensor;
}

/** Folds computed without autograd, per batch-norm module, reused while the six tensors keep their storage. */
const cache = new WeakMap<BatchNorm2d, Folded>();

/** The folded filters and bias (differentiable when computed while recording). */
function fold(conv: Conv2d, bn: BatchNorm2d): [Tensor, Tensor] {
  const O = conv.outChannels;
  let scale = bn.runningVar!.add(bn.eps).rsqrt();
  if (bn.weight) scale = scale.mul(bn.weight);
  let bias = bn.runningMean!.mul(scale).neg();
  if (conv.bias) bias = bias.add(conv.bias.mul(scale));
  if (bn.bias) bias = bias.add(bn.bias);
  return [conv.weight.mul(scale.reshape([O, 1, 1, 1])), bias];
}

function sourcesOf(conv: Conv2d, bn: BatchNorm2d): unknown[] {
  return [conv.weight, conv.bias, bn.weight, bn.bias, bn.runningMean, bn.runningVar].map((t) => t?.dataRef);
}

function cachedFold(conv: Conv2d, bn: BatchNorm2d): [Tensor, Tensor] {
  const sources = sourcesOf(conv, bn);
  const hit = cache.get(bn);
  if (hit && hit.sources.every((s, i) => s === sources[i])) return [hit.weight, hit.bias];
  hit?.weight.dispose();
  hit?.bias.dispose();
  // kept: they outlive the caller's tidy, until the weights change
  const [weight, bias] = tidy(() => noGrad(() => fold(conv, bn)).map(keep)) as [Tensor, Tensor];
  cache.set(bn, { sources, weight, bias });
  return [weight, bias];
}

/**
 * `activation(bn(conv(x)))`. In evaluation (the batch norm not training,
 * with running statistics, and no forward hooks on either module, which
 * would expect to see their own calls) it is one fused convolution with
 * the batch norm folded in: the fold is cached while the weights and
 * statistics keep their storage (any `assign`, optimizer step or
 * `loadStateDict` replaces it), and recomputed, differentiably, when
 * autograd is recording. In training it is the three ops.
 */
export function convBatchNorm(conv: Conv2d, bn: BatchNorm2d, x: Tensor, activation: FusedActivation | null = null): Tensor {
  const foldable = !bn.training && bn.runningMean !== null && bn.runningVar !== null && !conv.options.activation && !conv.hasForwardHooks() && !bn.hasForwardHooks();
  if (!foldable) return applyActivation(bn.call(conv.call(x)), activation);
  const params = [conv.weight, conv.bias, bn.weight, bn.bias];
  const recording = getEngine().recording && params.some((p) => p?.requiresGrad);
  const [weight, bias] = recording ? fold(conv, bn) : cachedFold(conv, bn);
  const { stride, padding, dilation, groups } = conv.options;
  return F.conv2d(x, weight, bias, { stride, padding, dilation, groups, activation });
}
