// Softmax and log-softmax over contiguous rows of length n.
import { vexp } from './vmath';

export function softmax(x: usize, o: usize, rows: i32, n: i32, log: bool): void {
  for (let i = 0; i < rows; i++) {
    const src = x + (<usize>(i * n) << 2);
    const dst = o + (<usize>(i * n) << 2);
    let m: f32 = -Infinity;
    for (let k = 0; k < n; k++) m = max(m, load<f32>(src + (<usize>k << 2)));
    if (m == -Infinity) m = 0; // an all -inf row: exp terms are 0 and the result NaN, as in the reference
    const vm = f32x4.splat(m);
    let vs = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      const e = vexp(f32x4.sub(v128.load(src + (<usize>k << 2)), vm));
      if (!log) v128.store(dst + (<usize>k << 2), e);
      vs = f32x4.add(vs, e);
    }
    let s: f32 = f32x4.extract_lane(vs, 0) + f32x4.extract_lane(vs, 1) + f32x4.extract_lane(vs, 2) + f32x4.extract_lane(vs, 3);
    for (; k < n; k++) {
      const e = Mathf.exp(load<f32>(src + (<usize>k << 2)) - m);
      if (!log) store<f32>(dst + (<usize>k << 2), e);
      s += e;
    }
    if (log) {
      // (x − m) − log s, not x − (m + log s): m can be large enough that m + log s rounds.
      const ls = Mathf.log(s);
      const vls = f32x4.splat(ls);
      k = 0;
      for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), f32x4.sub(f32x4.sub(v128.load(src + (<usize>k << 2)), vm), vls));
      for (; k < n; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>k << 2)) - m - ls);
    } else {
      const inv = f32x4.splat(1 / s);
      k = 0;
      for (; k + 4 <= n; k += 4) v128.store(dst + (<usize>k << 2), f32x4.mul(v128.load(dst + (<usize>k << 2)), inv));
      for (; k < n; k++) store<f32>(dst + (<usize>k << 2), load<f32>(dst + (<usize>k << 2)) / s);
    }
  }
}
