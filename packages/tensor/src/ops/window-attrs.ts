/**
 * The attributes of the windowed ops (convolutions and pooling), declared
 * once for every package that runs, differentiates or implements them:
 * @nn/layers-conv's front-ends and cpu kernels, backends' kernels.
 * @module
 */
import type { FusedActivation } from './fused.js';

/** A 2-D window: kernel, stride, padding [top, bottom, left, right] and dilation. */
export interface Window2d {
  [key: string]: unknown;
  kernel: [number, number];
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
}

/** Attributes shared by the convolution ops (`conv2d`, `conv2dBackpropInput`, `conv2dBackpropFilter`, ...). */
export interface ConvAttrs {
  [key: string]: unknown;
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** Attributes of `fusedConv2d`: the convolution's, and the activation (null: none). */
export interface FusedConv2dAttrs extends ConvAttrs {
  activation: FusedActivation | null;
}

/** Attributes of `convTranspose2d`. */
export interface ConvTransposeAttrs extends ConvAttrs {
  outputPadding: [number, number];
}

/** Attributes of max pooling (`maxPool2d`). */
export interface MaxPoolAttrs extends Window2d {
  ceilMode: boolean;
  /**
   * Also return the argmax indices (the default). Without them the op has
   * one output and no gradient: inference, where the indices would be
   * computed and thrown away.
   */
  indices?: boolean;
}

/** Attributes of average pooling (`avgPool2d`). */
export interface AvgPoolAttrs extends Window2d {
  ceilMode: boolean;
  countIncludePad: boolean;
}
