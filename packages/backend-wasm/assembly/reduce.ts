// Reductions of x viewed as [outer, r, inner] over the middle axis.
export const SUM = 0, MAX = 1, MIN = 2, PROD = 3;

// @ts-ignore: decorator
@inline function combine(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case SUM: return f32x4.add(a, b);
    case MAX: return f32x4.max(a, b);
    case MIN: return f32x4.min(a, b);
    default: return f32x4.mul(a, b);
  }
}

// @ts-ignore: decorator
@inline function combine1(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case SUM: return a + b;
    case MAX: return a != a || a > b ? a : b;
    case MIN: return a != a || a < b ? a : b;
    default: return a * b;
  }
}

function identity(op: i32): f32 {
  switch (op) {
    case SUM: return 0;
    case MAX: return -Infinity;
    case MIN: return Infinity;
    default: return 1;
  }
}

/** o[i, j] = reduce_k x[i, k, j] for x of shape [outer, r, inner]. */
export function reduce(op: i32, x: usize, o: usize, outer: i32, r: i32, inner: i32): void {
  // One copy of the loops per op (inlined with a constant op, so `combine` folds).
  switch (op) {
    case SUM: reduceLoops(SUM, x, o, outer, r, inner); break;
    case MAX: reduceLoops(MAX, x, o, outer, r, inner); break;
    case MIN: reduceLoops(MIN, x, o, outer, r, inner); break;
    default: reduceLoops(PROD, x, o, outer, r, inner);
  }
}

// @ts-ignore: decorator
@inline function reduceLoops(op: i32, x: usize, o: usize, outer: i32, r: i32, inner: i32): void {
  const id = identity(op);
  if (inner == 1) {
    for (let i = 0; i < outer; i++) {
      const row = x + (<usize>(i * r) << 2);
      let k = 0;
      let acc: f32 = id;
      if (r >= 8) {
        let v0 = v128.load(row), v1 = v128.load(row, 16);
        for (k = 8; k + 8 <= r; k += 8) {
          v0 = combine(op, v0, v128.load(row + (<usize>k << 2)));
          v1 = combine(op, v1, v128.load(row + (<usize>k << 2), 16));
        }
        const v = combine(op, v0, v1);
        acc = combine1(op, combine1(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), combine1(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
      }
      for (; k < r; k++) acc = combine1(op, acc, load<f32>(row + (<usize>k << 2)));
      store<f32>(o + (<usize>i << 2), acc);
    }
    return;
  }
  const rowBytes = <usize>inner << 2;
  for (let i = 0; i < outer; i++) {
    const dst = o + <usize>i * rowBytes;
    const base = x + <usize>(i * r) * rowBytes;
    if (r == 0) {
      for (let j = 0; j < inner; j++) store<f32>(dst + (<usize>j << 2), id);
      continue;
    }
    memory.copy(dst, base, rowBytes);
    for (let k = 1; k < r; k++) {
      const src = base + <usize>k * rowBytes;
      let j = 0;
      for (; j + 4 <= inner; j += 4) {
        const off = <usize>j << 2;
        v128.store(dst + off, combine(op, v128.load(dst + off), v128.load(src + off)));
      }
      for (; j < inner; j++) {
        const off = <usize>j << 2;
        store<f32>(dst + off, combine1(op, load<f32>(dst + off), load<f32>(src + off)));
      }
    }
  }
}
