/**
 * The bilinear upsampling initialiser FCN uses for its deconvolution layers.
 * @module
 */
import { tensor, type Tensor, ValueError } from '@nn/tensor';

/**
 * A [channels, channels, k, k] weight for `ConvTranspose2d` that performs
 * bilinear upsampling channel by channel (zero across channels): with
 * kernel 2f − f mod 2 and stride f it upsamples by f, as FCN initialises
 * its upsampling layers.
 */
export function bilinearKernel(channels: number, kernelSize: number): Tensor {
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(kernelSize) || kernelSize < 1) {
    throw new ValueError(`channels and kernelSize must be positive integers, got ${channels} and ${kernelSize}`, 'bilinearKernel');
  }
  const factor = Math.floor((kernelSize + 1) / 2);
  const center = kernelSize % 2 === 1 ? factor - 1 : factor - 0.5;
  const filt = new Float32Array(kernelSize * kernelSize);
  for (let i = 0; i < kernelSize; i++) for (let j = 0; j < kernelSize; j++) filt[i * kernelSize + j] = (1 - Math.abs(i - center) / factor) * (1 - Math.abs(j - center) / factor);
  const w = new Float32Array(channels * channels * kernelSize * kernelSize);
  for (let c = 0; c < channels; c++) w.set(filt, (c * channels + c) * kernelSize * kernelSize);
  return tensor(w, [channels, channels, kernelSize, kernelSize]);
}
