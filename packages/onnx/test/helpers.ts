import ort from 'onnxruntime-node';
import { noGrad } from '@nn/autograd';
import type { Module } from '@nn/layers-core';
import { randn, type Tensor, tidy } from '@nn/tensor';

/** Runs ONNX bytes in onnxruntime-node (CPU) on one input; returns the first output's values. */
export async function runOrt(bytes: Uint8Array, x: Tensor, { input = 'input', output = 'output' } = {}): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const feed = new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', x.dataSync() as Float32Array | Int32Array, [...x.shape]);
  const out = await session.run({ [input]: feed });
  await session.release();
  return out[output]!.data as Float32Array;
}

/** The model's output in eval mode, without gradients. */
export function nnOutput(model: Module, x: Tensor): Float32Array {
  return noGrad(() => tidy(() => model.eval().call(x).dataSync() as Float32Array));
}

/** Largest |a − b| / (1 + |a|). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(a[i]!)));
  return e;
}

/** Gives zero-initialised parameters (the FCNs' score layers) random values, so that outputs are not trivially zero. */
export function randomiseZeros(model: Module): Module {
  for (const p of model.parameters()) {
    const v = p.dataSync();
    if (v.every((x) => x === 0)) p.assign(randn(p.shape).mul(0.1));
  }
  return model;
}
