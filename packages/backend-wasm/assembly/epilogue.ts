// Epilogues of the fused ops: add a bias, then apply an activation (a unary
// op code of elementwise.ts; negative for none), in place, one row or plane
// at a time while it is in cache.
import { ADD, binary, unary } from './elementwise';

/** y[r, j] = act(y[r, j] + bias[j]) for r < rows, j < cols (a fully connected layer's output). */
export function biasRows(y: usize, bias: usize, rows: i32, cols: i32, op: i32, p: f32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * rowBytes;
    binary(ADD, row, 1, bias, 1, row, cols);
    if (op >= 0) unary(op, row, row, cols, p);
  }
}

/** y[n, c, i] = act(y[n, c, i] + bias[c]) over `planes` = N·C planes of `size` (a convolution's output). */
export function biasPlanes(y: usize, bias: usize, planes: i32, C: i32, size: i32, op: i32, p: f32): void {
  const planeBytes = <usize>size << 2;
  for (let q = 0; q < planes; q++) {
    const plane = y + <usize>q * planeBytes;
    binary(ADD, plane, 1, bias + (<usize>(q % C) << 2), 0, plane, size);
    if (op >= 0) unary(op, plane, plane, size, p);
  }
}
