/**
 * The deconvolution network of Noh, Hong and Han (ICCV 2015): VGG-16's
 * convolutions and pools, keeping each pool's switches, fc6/fc7 as
 * convolutions, and the mirrored decoder: a transposed convolution undoing
 * fc6, then for each pool an unpooling with its switches followed by 3x3
 * transposed convolutions; batch norm and ReLU after every convolution and
 * deconvolution; a 1x1 score layer. And the decoder most nets use today:
 * bilinear upsampling, no learned weights, then ordinary convolutions.
 * @module
 */
import { ReLU } from '@nn/activations';
import { BatchNorm2d, Conv2d, ConvTranspose2d, interpolate, MaxPool2d, maxUnpool2d } from '@nn/layers-conv';
import { Module, Sequential, withLayerContext } from '@nn/layers-core';
import { type Tensor, ValueError } from '@nn/tensor';
import { backboneLayout, type BackboneLayout, checkSegmentationInput, type SegmentationBackbone, vggEncoder } from './segmentation-backbone.js';

/** Options of {@link DeconvNet}. */
export interface DeconvNetOptions {
  /** Classes, background included (default 21: PASCAL VOC). */
  classes?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** The encoder (default `'vgg16'`). */
  backbone?: SegmentationBackbone;
  /**
   * fc6's kernel (default 7: the paper's 224x224 input reaches fc6 at 7x7
   * and leaves it at 1x1). The input must be at least 32·fcKernel on each
   * side; 1 keeps pool5's map (fc6 a 1x1 convolution).
   */
  fcKernel?: number;
  /**
   * `deconv` (default, the paper): unpooling with the pools' switches and
   * transposed convolutions. `bilinear`: bilinear upsampling to each
   * pool's input size and 3x3 convolutions, nothing learned in the
   * upsampling and no switches kept.
   */
  decoder?: 'deconv' | 'bilinear';
}

/** A 3x3 (transposed) convolution, batch norm, ReLU. */
function block(inC: number, outC: number, transposed: boolean, kernel = 3, padding = 1): Sequential {
  const conv = transposed ? new ConvTranspose2d(inC, outC, kernel, { padding }) : new Conv2d(inC, outC, kernel, { padding });
  return new Sequential(conv, new BatchNorm2d(outC), new ReLU());
}

/**
 * DeconvNet. `features` is VGG-16-BN's (torchvision's indices), `classifier`
 * is fc6 and fc7 with batch norm and ReLU, `deconv6` undoes fc6 (a
 * transposed fcKernel x fcKernel convolution; with the bilinear decoder an
 * upsampling and a 3x3 convolution), `decoder.0` to `decoder.4` mirror the
 * five stages from the deepest (deconv5_1 ... deconv1_2), `score` is the
 * 1x1 classifier. The output has the input's H x W (odd sizes too: each
 * unpooling restores the size its pool had).
 */
export class DeconvNet extends Module {
  features: Sequential;
  classifier: Sequential;
  deconv6: Sequential;
  decoder: Sequential;
  score: Conv2d;
  readonly options: Required<Omit<DeconvNetOptions, 'backbone'>> & { backbone: SegmentationBackbone };
  readonly layout: BackboneLayout;

  constructor(options: DeconvNetOptions = {}) {
    super();
    const { classes = 21, inChannels = 3, backbone = 'vgg16', fcKernel = 7, decoder = 'deconv' } = options;
    const op = 'DeconvNet';
    if (!(Number.isInteger(fcKernel) && fcKernel >= 1)) throw new ValueError(`fcKernel must be a positive integer, got ${fcKernel}`, op);
    if (decoder !== 'deconv' && decoder !== 'bilinear') throw new ValueError(`decoder must be 'deconv' or 'bilinear', got '${String(decoder)}'`, op);
    this.options = { classes, inChannels, backbone, fcKernel, decoder };
    const layout = (this.layout = backboneLayout(op, backbone));
    const { widths, convs, fcWidth: fc } = layout;
    const transposed = decoder === 'deconv';
    this.features = vggEncoder(layout, { inChannels, batchNorm: true, firstPadding: 1, ceilMode: false });
    this.classifier = new Sequential(...block(widths[4]!, fc, false, fcKernel, 0).layers, ...block(fc, fc, false, 1, 0).layers);
    this.deconv6 = transposed ? block(fc, widths[4]!, true, fcKernel, 0) : block(fc, widths[4]!, false);
    const stages: Sequential[] = [];
    for (let s = 4; s >= 0; s--) {
      const out = widths[Math.max(s - 1, 0)]!;
      const layers: Module[] = [];
      for (let i = 0; i < convs[s]!; i++) layers.push(block(widths[s]!, i === convs[s]! - 1 ? out : widths[s]!, transposed));
      stages.push(new Sequential(...layers));
    }
    this.decoder = new Sequential(...stages);
    this.score = new Conv2d(widths[0]!, classes, 1);
  }

  /** `deconvnet`, or `deconvnet-bilinear`. */
  get name(): string {
    return this.options.decoder === 'deconv' ? 'deconvnet' : 'deconvnet-bilinear';
  }

  forward(x: Tensor): Tensor {
    const k = this.options.fcKernel;
    checkSegmentationInput(this.name, x, this.options.inChannels, 32 * k, `its five max pools halve the image five times and fc6 (${k}x${k}, unpadded) needs pool5's map to be at least ${k}x${k}`);
    return withLayerContext(this, x, 'its five max pools halve the image five times', () => this.segment(x));
  }

  private segment(x: Tensor): Tensor {
    // Encoder: remember each pool's input size and switches.
    const switches: { indices: Tensor | null; size: [number, number] }[] = [];
    let h = x;
    for (const layer of this.features.layers) {
      if (layer instanceof MaxPool2d) {
        const size: [number, number] = [h.shape[2]!, h.shape[3]!];
        if (this.options.decoder === 'deconv') {
          const [pooled, indices] = layer.forwardWithIndices(h);
          switches.push({ indices, size });
          h = pooled;
        } else {
          switches.push({ indices: null, size });
          h = layer.call(h);
        }
      } else h = layer.call(h);
    }
    const pool5: [number, number] = [h.shape[2]!, h.shape[3]!];
    h = this.classifier.call(h);
    h = this.options.decoder === 'deconv' ? this.deconv6.call(h) : this.deconv6.call(interpolate(h, { size: pool5, mode: 'bilinear' }));
    // Decoder: the deepest stage first, each after the unpooling (or upsampling) of its pool.
    this.decoder.layers.forEach((stage, i) => {
      const { indices, size } = switches[4 - i]!;
      h = this.options.decoder === 'deconv' ? maxUnpool2d(h, indices!, 2, { stride: 2, outputSize: size }) : interpolate(h, { size, mode: 'bilinear' });
      h = stage.call(h);
    });
    return this.score.call(h);
  }
}

/** DeconvNet (see {@link DeconvNet}). */
export const deconvNet = (options: DeconvNetOptions = {}) => new DeconvNet(options);
