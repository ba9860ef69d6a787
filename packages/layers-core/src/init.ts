/**
 * Weight initialisers. Each returns a new tensor of the given shape; fans
 * follow PyTorch: for a weight of shape `[out, in, ...kernel]`,
 * fanIn = in x kernel and fanOut = out x kernel.
 * @module
 */
import { full, randn, rand, ShapeError, tensor, type Tensor, ValueError } from '@nn/tensor';

/** fanIn and fanOut of a weight shape. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 1) throw new ShapeError(`cannot compute fans of a scalar shape`, 'init');
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** The gain PyTorch recommends for a nonlinearity (`calculate_gain`). */
export function gain(nonlinearity: 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu', param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + param * param));
    case 'selu':
      return 3 / 4;
  }
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (0 for ReLU). */
  a?: number;
  /** Preserve the variance of activations (`fanIn`) or of gradients (`fanOut`). */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: 'relu' | 'leakyRelu' | 'linear' | 'tanh' | 'sigmoid';
}

function kaimingStd(shape: readonly number[], { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions): number {
  const f = fans(shape);
  return gain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? f.fanIn : f.fanOut);
}

/** Xavier/Glorot uniform: U(-b, b) with b = gain √(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: readonly number[], gainValue = 1): Tensor {
  const { fanIn, fanOut } = fans(shape);
  const b = gainValue * Math.sqrt(6 / (fanIn + fanOut));
  return rand(shape, { low: -b, high: b });
}

/** Xavier/Glorot normal: N(0, σ²) with σ = gain √(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: readonly number[], gainValue = 1): Tensor {
  const { fanIn, fanOut } = fans(shape);
  return randn(shape, { std: gainValue * Math.sqrt(2 / (fanIn + fanOut)) });
}

/** Kaiming/He uniform: U(-b, b) with b = √3 · gain / √fan. */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd(shape, options);
  return rand(shape, { low: -b, high: b });
}

/** Kaiming/He normal: N(0, σ²) with σ = gain / √fan. */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  return randn(shape, { std: kaimingStd(shape, options) });
}

/** LeCun normal: N(0, 1 / fanIn), the initialiser SELU networks need. */
export function lecunNormal(shape: readonly number[]): Tensor {
  return randn(shape, { std: 1 / Math.sqrt(fans(shape).fanIn) });
}

/** A constant tensor. */
export function constant(shape: readonly number[], value: number): Tensor {
  return full(shape, value);
}

/**
 * A (semi-)orthogonal matrix, flattened from dim 1 on, as in Saxe et al.
 * 2013: rows (or columns, whichever are fewer) are orthonormal, times `gain`.
 * Computed by modified Gram-Schmidt on a normal random matrix.
 */
export function orthogonal(shape: readonly number[], gainValue = 1): Tensor {
  if (shape.length < 2) throw new ShapeError(`needs at least 2 dims, got [${shape.join(',')}]`, 'orthogonal');
  const rows = shape[0]!, cols = shape.slice(1).reduce((a, b) => a * b, 1);
  const tall = rows >= cols;
  const [n, m] = tall ? [rows, cols] : [cols, rows]; // orthonormalise m vectors of length n
  const a = Float64Array.from(randn([m, n], { dtype: 'float64' }).dataSync());
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += a[i * n + k]! * a[j * n + k]!;
      for (let k = 0; k < n; k++) a[i * n + k]! -= dot * a[j * n + k]!;
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += a[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new ValueError('degenerate random draw; retry', 'orthogonal');
    for (let k = 0; k < n; k++) a[i * n + k]! *= gainValue / norm;
  }
  // The m orthonormal vectors are the columns of a tall result, or its rows.
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) out[tall ? k * cols + i : i * cols + k] = a[i * n + k]!;
  return tensor(out, shape);
}
