// Must not compile: a conv2d kernel that takes softmax's attributes.
import { convOps, type SoftmaxAttrs } from '@nn/tensor';
import { cpuKernel } from '@nn/tensor/kernel';

export const kernel = cpuKernel(convOps.conv2d, ([x], attrs: SoftmaxAttrs) => [x!.data.map((v) => v * attrs.axis)]);
