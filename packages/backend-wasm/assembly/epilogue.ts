// Epilogues of the fused ops: add a bias, then apply an activation (a unary
// op code of elementwise.ts; negative for none), in place, one row or plane
// at a time while it is in cache.
import { unary } from './elementwise';

// p[i] += b for i < n.
// @ts-ignore: decorator
@inline function addScalar(p: usize, b: f32, n: i32): void {
  const vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), f32x4.add(v128.load(p + (<usize>i << 2)), vb));
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), load<f32>(p + (<usize>i << 2)) + b);
}

/** y[r, j] = act(y[r, j] + bias[j]) for r < rows, j < cols (a fully connected layer's output). */
export function biasRows(y: usize, bias: usize, rows: i32, cols: i32, op: i32, p: f32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * rowBytes;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      v128.store(row + off, f32x4.add(v128.load(row + off), v128.load(bias + off)));
    }
    for (; j < cols; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + load<f32>(bias + (<usize>j << 2)));
    if (op >= 0) unary(op, row, row, cols, p);
  }
}

/** y[n, c, i] = act(y[n, c, i] + bias[c]) over `planes` = N·C planes of `size` (a convolution's output). */
export function biasPlanes(y: usize, bias: usize, planes: i32, C: i32, size: i32, op: i32, p: f32): void {
  const planeBytes = <usize>size << 2;
  for (let q = 0; q < planes; q++) {
    const plane = y + <usize>q * planeBytes;
    addScalar(plane, load<f32>(bias + (<usize>(q % C) << 2)), size);
    if (op >= 0) unary(op, plane, plane, size, p);
  }
}
