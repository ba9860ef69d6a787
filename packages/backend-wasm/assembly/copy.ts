// The strided copy behind transpose, broadcast, slice, pad, concat and split:
// dst[Σ i_d · dstStrides[d]] = src[Σ i_d · srcStrides[d]] over every index i
// of `shape`. Shapes and strides (in elements) are i32 arrays in memory;
// `counters` is rank i32s of scratch. Elements are 1 << elemShift bytes.

// @ts-ignore: decorator
@inline function copyRow(src: usize, ss: usize, dst: usize, ds: usize, n: i32, elemShift: i32): void {
  const bytes = <usize>1 << elemShift;
  if (ss == bytes && ds == bytes) {
    const total = <usize>n << elemShift;
    // memory.copy is a call into the engine: short rows go faster inline.
    if (total >= 512) {
      memory.copy(dst, src, total);
      return;
    }
    let k: usize = 0;
    for (; k + 16 <= total; k += 16) v128.store(dst + k, v128.load(src + k));
    for (; k < total; k++) store<u8>(dst + k, load<u8>(src + k));
    return;
  }
  switch (elemShift) {
    case 0: for (let k = 0; k < n; k++, src += ss, dst += ds) store<u8>(dst, load<u8>(src)); break;
    case 2: for (let k = 0; k < n; k++, src += ss, dst += ds) store<u32>(dst, load<u32>(src)); break;
    default: for (let k = 0; k < n; k++, src += ss, dst += ds) store<u64>(dst, load<u64>(src));
  }
}

export function copyStrided(src: usize, dst: usize, rank: i32, shape: usize, srcStrides: usize, dstStrides: usize, counters: usize, elemShift: i32): void {
  if (rank == 0) {
    copyRow(src, 0, dst, 0, 1, elemShift);
    return;
  }
  let rows = 1;
  for (let d = 0; d < rank; d++) {
    const n = load<i32>(shape + (<usize>d << 2));
    if (n == 0) return;
    if (d < rank - 1) rows *= n;
    store<i32>(counters + (<usize>d << 2), 0);
  }
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last);
  const ss = <usize>load<i32>(srcStrides + last) << elemShift;
  const ds = <usize>load<i32>(dstStrides + last) << elemShift;
  let s = src, t = dst;
  for (let r = 0; r < rows; r++) {
    copyRow(s, ss, t, ds, n, elemShift);
    for (let d = rank - 2; d >= 0; d--) {
      const at = <usize>d << 2;
      const c = load<i32>(counters + at) + 1;
      const sStep = <isize>load<i32>(srcStrides + at) << elemShift;
      const dStep = <isize>load<i32>(dstStrides + at) << elemShift;
      if (c < load<i32>(shape + at)) {
        store<i32>(counters + at, c);
        s += sStep;
        t += dStep;
        break;
      }
      store<i32>(counters + at, 0);
      s -= sStep * <isize>(c - 1);
      t -= dStep * <isize>(c - 1);
    }
  }
}

/** Sets n elements of 4 bytes at dst to the bit pattern of `value`. */
export function fill32(dst: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), v);
  for (; k < n; k++) store<f32>(dst + (<usize>k << 2), value);
}
