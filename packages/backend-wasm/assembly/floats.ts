// Short copies and fills of f32 runs (image rows), shared by the conv kernels.
// Inline: memory.copy and memory.fill are calls into the engine, which cost
// more than the 20-odd floats of an image row.
// @ts-ignore: decorator
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  if (n < 4) {
    for (let k = 0; k < n; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>k << 2)));
    return;
  }
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), v128.load(src + (<usize>k << 2)));
  // the tail as one vector ending at the last element (it rewrites a few with the same values)
  if (k < n) v128.store(dst + (<usize>(n - 4) << 2), v128.load(src + (<usize>(n - 4) << 2)));
}

// @ts-ignore: decorator
@inline export function zeroFloats(dst: usize, n: i32): void {
  if (n < 4) {
    for (let k = 0; k < n; k++) store<f32>(dst + (<usize>k << 2), 0);
    return;
  }
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), f32x4.splat(0));
  if (k < n) v128.store(dst + (<usize>(n - 4) << 2), f32x4.splat(0));
}
