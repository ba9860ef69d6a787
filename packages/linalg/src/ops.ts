/**
 * The linear-algebra ops: their descriptors (shape and dtype checks) and
 * the cpu kernels, written as plain loops in float64 over each matrix of a
 * batch. Other backends whose memory the host reads (wasm) run these
 * kernels in place; the rest move the data.
 * @module
 */
import { allocArray, defineOp, DTypeError, fmtShape, type KernelDef, ShapeError, type TensorMeta, type TypedArray } from '@nn/tensor';
import { cpuKernel } from '@nn/tensor/kernel';
import { LinAlgError } from './errors.js';

/** Float dtype, rank >= 2, square: n. */
function square(op: string, name: string, a: TensorMeta): number {
  if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new DTypeError(`${name} must be float32 or float64, got ${a.dtype}`, op);
  const r = a.shape.length;
  if (r < 2 || a.shape[r - 1] !== a.shape[r - 2]) throw new ShapeError(`${name} must be a square matrix or a batch of them [..., n, n], got ${fmtShape(a.shape)}`, op);
  return a.shape[r - 1]!;
}

/** a [..., n, n] and b [..., n, k] with the same batch dims and dtype. */
function system(op: string, a: TensorMeta, b: TensorMeta): TensorMeta {
  const n = square(op, 'A', a);
  const r = b.shape.length;
  if (b.dtype !== a.dtype) throw new DTypeError(`A and B must share a dtype, got ${a.dtype} and ${b.dtype}`, op);
  if (r !== a.shape.length || b.shape[r - 2] !== n || fmtShape(b.shape.slice(0, -2)) !== fmtShape(a.shape.slice(0, -2))) {
    throw new ShapeError(`B must be [..., ${n}, k] with A's batch dims: A is ${fmtShape(a.shape)}, B is ${fmtShape(b.shape)}`, op);
  }
  return { shape: [...b.shape], dtype: b.dtype };
}

/** Attributes of `linalg.triangularSolve`: solve with the lower-triangular L, or with Lᵀ. */
export interface TriangularSolveAttrs {
  [key: string]: unknown;
  transpose: boolean;
}

/** The linear-algebra ops. */
export const linalgOps = {
  cholesky: defineOp({
    name: 'linalg.cholesky',
    inputs: ['A'],
    infer: ([a]) => {
      square('cholesky', 'A', a!);
      return [{ shape: [...a!.shape], dtype: a!.dtype }];
    },
  }),
  triangularSolve: defineOp<TriangularSolveAttrs>({ name: 'linalg.triangularSolve', inputs: ['L', 'B'], infer: ([l, b]) => [system('triangularSolve', l!, b!)] }),
  solve: defineOp({ name: 'linalg.solve', inputs: ['A', 'B'], infer: ([a, b]) => [system('solve', a!, b!)] }),
};

/** Relative size below which a pivot counts as zero: the matrix is singular to working precision. */
const tiny = (dtype: string, n: number) => n * (dtype === 'float64' ? 2.2e-16 : 1.2e-7);

/** Runs `each` over the matrices of a batch: batch index, offset of the n x n block. */
function batches(shape: readonly number[], each: (i: number) => void): void {
  const count = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  for (let i = 0; i < count; i++) each(i);
}

/** The Cholesky factor of the symmetric part (A + Aᵀ)/2, or an error naming the failing column. */
const choleskyKernel = cpuKernel(linalgOps.cholesky, ([a]) => {
  const n = a!.shape.at(-1)!;
  const src = a!.data as TypedArray;
  const out = allocArray(a!.dtype, src.length);
  const L = new Float64Array(n * n);
  batches(a!.shape, (bi) => {
    const o = bi * n * n;
    L.fill(0);
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(src[o + i * n + i]!));
    for (let j = 0; j < n; j++) {
      let d = src[o + j * n + j]!;
      for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
      if (!(d > tiny(a!.dtype, n) * scale)) {
        throw new LinAlgError(`matrix ${bi} of ${fmtShape(a!.shape)} is not positive definite: the pivot of column ${j} is ${d.toPrecision(3)}${Number.isNaN(d) ? ' (the input has NaN)' : ''}`, 'cholesky');
      }
      const djj = Math.sqrt(d);
      L[j * n + j] = djj;
      for (let i = j + 1; i < n; i++) {
        let s = 0.5 * (src[o + i * n + j]! + src[o + j * n + i]!);
        for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
        L[i * n + j] = s / djj;
      }
    }
    out.set(L, o);
  });
  return [out];
});

/** X = L⁻¹B (or L⁻ᵀB) for lower-triangular L, by substitution. */
const triangularSolveKernel = cpuKernel(linalgOps.triangularSolve, ([l, b], { transpose }) => {
  const n = l!.shape.at(-1)!, k = b!.shape.at(-1)!;
  const L = l!.data as TypedArray, B = b!.data as TypedArray;
  const out = allocArray(b!.dtype, B.length);
  const x = new Float64Array(n * k);
  batches(l!.shape, (bi) => {
    const lo = bi * n * n, bo = bi * n * k;
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(L[lo + i * n + i]!));
    for (let i = 0; i < n; i++) {
      if (!(Math.abs(L[lo + i * n + i]!) > tiny(l!.dtype, n) * scale)) throw new LinAlgError(`matrix ${bi} of ${fmtShape(l!.shape)} is singular: diagonal entry ${i} is ${L[lo + i * n + i]}`, 'triangularSolve');
    }
    for (let c = 0; c < k; c++) {
      if (!transpose) {
        for (let i = 0; i < n; i++) {
          let s = B[bo + i * k + c]!;
          for (let j = 0; j < i; j++) s -= L[lo + i * n + j]! * x[j * k + c]!;
          x[i * k + c] = s / L[lo + i * n + i]!;
        }
      } else {
        for (let i = n - 1; i >= 0; i--) {
          let s = B[bo + i * k + c]!;
          for (let j = i + 1; j < n; j++) s -= L[lo + j * n + i]! * x[j * k + c]!;
          x[i * k + c] = s / L[lo + i * n + i]!;
        }
      }
    }
    out.set(x, bo);
  });
  return [out];
});

/**
 * X = A⁻¹B by LU factorisation with partial pivoting. A pivot that is zero
 * to working precision (below n·ε·max|A|), or an estimated condition number
 * (the ratio of the largest to the smallest pivot) past 1/(16ε), where
 * the answer would keep barely a digit, is a {@link LinAlgError}.
 */
const solveKernel = cpuKernel(linalgOps.solve, ([a, b]) => {
  const n = a!.shape.at(-1)!, k = b!.shape.at(-1)!;
  const A = a!.data as TypedArray, B = b!.data as TypedArray;
  const out = allocArray(b!.dtype, B.length);
  const lu = new Float64Array(n * n), x = new Float64Array(n * k);
  batches(a!.shape, (bi) => {
    const ao = bi * n * n, bo = bi * n * k;
    for (let i = 0; i < n * n; i++) lu[i] = A[ao + i]!;
    for (let i = 0; i < n * k; i++) x[i] = B[bo + i]!;
    let norm = 0;
    for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(lu[i]!));
    let pmin = Infinity, pmax = 0;
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(lu[r * n + c]!) > Math.abs(lu[p * n + c]!)) p = r;
      const pivot = lu[p * n + c]!;
      if (!(Math.abs(pivot) > tiny(a!.dtype, n) * norm)) throw new LinAlgError(`matrix ${bi} of ${fmtShape(a!.shape)} is singular to working precision (pivot ${pivot.toPrecision(3)} at column ${c})`, 'solve');
      pmin = Math.min(pmin, Math.abs(pivot));
      pmax = Math.max(pmax, Math.abs(pivot));
      if (p !== c) {
        for (let j = 0; j < n; j++) [lu[c * n + j], lu[p * n + j]] = [lu[p * n + j]!, lu[c * n + j]!];
        for (let j = 0; j < k; j++) [x[c * k + j], x[p * k + j]] = [x[p * k + j]!, x[c * k + j]!];
      }
      for (let r = c + 1; r < n; r++) {
        const f = lu[r * n + c]! / pivot;
        if (f === 0) continue;
        for (let j = c + 1; j < n; j++) lu[r * n + j] = lu[r * n + j]! - f * lu[c * n + j]!;
        for (let j = 0; j < k; j++) x[r * k + j] = x[r * k + j]! - f * x[c * k + j]!;
      }
    }
    if (pmax / pmin > 1 / (16 * tiny(a!.dtype, 1))) throw new LinAlgError(`matrix ${bi} of ${fmtShape(a!.shape)} is ill-conditioned: its pivots span ${(pmax / pmin).toExponential(1)}, past what ${a!.dtype} resolves`, 'solve');
    for (let j = 0; j < k; j++) {
      for (let r = n - 1; r >= 0; r--) {
        let s = x[r * k + j]!;
        for (let c = r + 1; c < n; c++) s -= lu[r * n + c]! * x[c * k + j]!;
        x[r * k + j] = s / lu[r * n + r]!;
      }
    }
    out.set(x, bo);
  });
  return [out];
});

/** The cpu kernels of the linear-algebra ops. */
export const linalgKernels: KernelDef[] = [choleskyKernel, triangularSolveKernel, solveKernel];
