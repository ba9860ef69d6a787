/**
 * The VGG-16 encoder that FCN and DeconvNet are built on, at full size or
 * at the widths and depths a small machine can train, and the input check
 * they share.
 * @module
 */
import { ReLU } from '@nn/activations';
import { BatchNorm2d, Conv2d, MaxPool2d } from '@nn/layers-conv';
import { type Module, Sequential } from '@nn/layers-core';
import { fmtShape, ShapeError, type Tensor, ValueError } from '@nn/tensor';

/**
 * The encoder of a segmentation net: `'vgg16'` (64-128-256-512-512 channels,
 * 2-2-3-3-3 convolutions per stage, fc6/fc7 4096 wide) or five stage widths
 * with, optionally, the convolutions per stage and the fc width.
 */
export type SegmentationBackbone = 'vgg16' | { widths: readonly number[]; convs?: readonly number[]; fcWidth?: number };

/** A backbone spelled out. */
export interface BackboneLayout {
  widths: number[];
  convs: number[];
  fcWidth: number;
}

/** VGG-16's stages (configuration D). */
const VGG16: BackboneLayout = { widths: [64, 128, 256, 512, 512], convs: [2, 2, 3, 3, 3], fcWidth: 4096 };

/** The layout of a backbone option, checked: five stages of positive integer widths and depths. */
export function backboneLayout(op: string, backbone: SegmentationBackbone): BackboneLayout {
  if (backbone === 'vgg16') return { widths: [...VGG16.widths], convs: [...VGG16.convs], fcWidth: VGG16.fcWidth };
  const widths = [...backbone.widths];
  const convs = [...(backbone.convs ?? VGG16.convs)];
  const fcWidth = backbone.fcWidth ?? 8 * widths[4]!;
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (widths.length !== 5 || !widths.every(positive)) throw new ValueError(`backbone.widths must be five positive integers (one per VGG stage), got [${widths.join(', ')}]`, op);
  if (convs.length !== 5 || !convs.every(positive)) throw new ValueError(`backbone.convs must be five positive integers (convolutions per stage), got [${convs.join(', ')}]`, op);
  if (!positive(fcWidth)) throw new ValueError(`backbone.fcWidth must be a positive integer, got ${fcWidth}`, op);
  return { widths, convs, fcWidth };
}

/** Options of {@link vggEncoder}. */
export interface EncoderOptions {
  inChannels: number;
  batchNorm: boolean;
  /** Padding of the very first convolution (FCN's reference nets use 100). */
  firstPadding: number;
  /** Ceil-mode pooling (Caffe's, which the FCN reference nets use). */
  ceilMode: boolean;
}

/**
 * VGG's `features` for a layout: 3x3 convolutions (batch norm optional),
 * ReLU, a 2x2 max pool closing each stage; indexed as in torchvision's VGG,
 * so VGG weights load key by key.
 */
export function vggEncoder(layout: BackboneLayout, { inChannels, batchNorm, firstPadding, ceilMode }: EncoderOptions): Sequential {
  const layers: Module[] = [];
  let c = inChannels;
  layout.widths.forEach((width, stage) => {
    for (let i = 0; i < layout.convs[stage]!; i++) {
      layers.push(new Conv2d(c, width, 3, { padding: layers.length === 0 ? firstPadding : 1 }));
      if (batchNorm) layers.push(new BatchNorm2d(width));
      layers.push(new ReLU());
      c = width;
    }
    layers.push(new MaxPool2d(2, { stride: 2, ceilMode }));
  });
  return new Sequential(...layers);
}

/** Refuses inputs that are not `[N, inChannels, H, W]` or whose H or W is below `minSide` (`why` says what needs it), naming the model and the shape. */
export function checkSegmentationInput(model: string, x: Tensor, inChannels: number, minSide: number, why: string): void {
  if (x.rank !== 4 || x.shape[1] !== inChannels) throw new ShapeError(`expects [N, ${inChannels}, H, W] images, got ${fmtShape(x.shape)}`, model);
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  if (h < minSide || w < minSide) throw new ShapeError(`input ${fmtShape(x.shape)} is smaller than ${minSide}x${minSide}: ${why}`, model);
}
