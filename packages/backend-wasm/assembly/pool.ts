// Max pooling with its argmax indices (the "switches"), and the routing of
// a gradient back through them. Geometry, an i32 array in memory:
// [planes, H, W, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw].

// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

// The first tap k of a window starting at `start` (taps `step` apart) that
// lies inside [0, size), and the end of the taps inside, at least `from`.
// @ts-ignore: decorator
@inline function firstInside(start: i32, step: i32, K: i32): i32 {
  let k = 0;
  while (k < K && start + k * step < 0) k++;
  return k;
}

// @ts-ignore: decorator
@inline function endInside(start: i32, step: i32, K: i32, size: i32, from: i32): i32 {
  let k = K;
  while (k > from && start + (k - 1) * step >= size) k--;
  return k;
}

// One step of a window's running maximum: the first maximum wins and a NaN
// wins for good, as in the cpu kernel. Branch-free, since on real data the
// comparison is a coin flip the branch predictor loses.
// @ts-ignore: decorator
@inline function takes(v: f32, best: f32, at: i32): bool {
  return ((<i32>(v > best) | <i32>(v != v) | <i32>(at < 0)) & <i32>(best == best)) != 0;
}

// Four window elements, `sw` apart, as one vector.
// @ts-ignore: decorator
@inline function window4(p: usize, sw: i32): v128 {
  if (sw == 1) return v128.load(p);
  // elements 0..3 and 3..6: never past the last element of the window
  if (sw == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
  const s = <usize>sw << 2;
  let v = f32x4.replace_lane(f32x4.splat(load<f32>(p)), 1, load<f32>(p + s));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * s));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * s));
}

// Lanes where v replaces the running maximum: larger, or NaN; a NaN held stays.
// @ts-ignore: decorator
@inline function takes4(v: v128, best: v128): v128 {
  return v128.and(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), f32x4.eq(best, best));
}

// 2x2 windows with stride 2 and no padding (LeNet's, VGG's): four outputs
// from two rows of eight inputs, split into even and odd columns.
function maxPool2x2(x: usize, y: usize, idx: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const lanes = i32x4(0, 2, 4, 6);
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const out = <usize>((p * OH + oh) * OW) << 2;
      for (let ow = 0; ow < OW; ow += 4) {
        // the last group overlaps the one before: recomputed outputs come out the same
        const at0 = min(ow, OW - 4);
        const q0 = 2 * oh * W + 2 * at0;
        const r0 = base + (<usize>q0 << 2), r1 = r0 + (<usize>W << 2);
        const a = v128.load(r0), b = v128.load(r0, 16), c = v128.load(r1), d = v128.load(r1, 16);
        const q = i32x4.add(i32x4.splat(q0), lanes);
        // window order (0,0), (0,1), (1,0), (1,1): the first maximum wins
        let best = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        let at = q;
        let v = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        let t = takes4(v, best);
        best = v128.bitselect(v, best, t);
        at = v128.bitselect(i32x4.add(q, i32x4.splat(1)), at, t);
        v = v128.shuffle<f32>(c, d, 0, 2, 4, 6);
        t = takes4(v, best);
        best = v128.bitselect(v, best, t);
        at = v128.bitselect(i32x4.add(q, i32x4.splat(W)), at, t);
        v = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
        t = takes4(v, best);
        best = v128.bitselect(v, best, t);
        at = v128.bitselect(i32x4.add(q, i32x4.splat(W + 1)), at, t);
        const o = out + (<usize>at0 << 2);
        v128.store(y + o, best);
        v128.store(idx + o, at);
      }
    }
  }
}

// The 2x2, stride-2 fast path of maxPool2x2 without indices.
function maxValues2x2(x: usize, y: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const out = y + (<usize>((p * OH + oh) * OW) << 2);
      for (let ow = 0; ow < OW; ow += 4) {
        const at0 = min(ow, OW - 4);
        const r0 = base + (<usize>(2 * oh * W + 2 * at0) << 2), r1 = r0 + (<usize>W << 2);
        const a = v128.load(r0), b = v128.load(r0, 16), c = v128.load(r1), d = v128.load(r1, 16);
        const top = f32x4.max(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
        const bottom = f32x4.max(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
        v128.store(out + (<usize>at0 << 2), f32x4.max(top, bottom));
      }
    }
  }
}

/** Bytes of the row buffer {@link maxPoolValues} needs: one padded input row and vector slack. */
export function maxPoolScratchBytes(geo: usize): i32 {
  const W = g(geo, 2), OW = g(geo, 4), KW = g(geo, 6), sw = g(geo, 8), pl = g(geo, 10), dw = g(geo, 12);
  return (max(pl + W, (OW - 1) * sw + (KW - 1) * dw + 1) + 4 * sw + 4) << 2;
}

/**
 * y [planes, OH, OW] = the max of each window, without indices (inference).
 * Max is separable: per output row, the maximum over the window's rows,
 * SIMD across the whole row into a buffer bordered with −∞ (padding never
 * wins), then over the window's columns, four outputs at a time. KH + KW
 * steps per output instead of KH·KW, and no bounds checks; wasm's max
 * propagates NaN, as the indexed kernel does.
 */
export function maxPoolValues(x: usize, y: usize, geo: usize, scratch: usize): void {
  const planes = g(geo, 0), H = g(geo, 1), W = g(geo, 2), OH = g(geo, 3), OW = g(geo, 4), KH = g(geo, 5), KW = g(geo, 6);
  const sh = g(geo, 7), sw = g(geo, 8), pt = g(geo, 9), pl = g(geo, 10), dh = g(geo, 11), dw = g(geo, 12);
  if (KH == 2 && KW == 2 && sh == 2 && sw == 2 && pt == 0 && pl == 0 && dh == 1 && dw == 1 && OW >= 4 && 2 * OH <= H && 2 * OW <= W) {
    maxValues2x2(x, y, planes, H, W, OH, OW);
    return;
  }
  const size = maxPoolScratchBytes(geo) >> 2;
  for (let i = 0; i < size; i++) store<f32>(scratch + (<usize>i << 2), -Infinity);
  const row = scratch + (<usize>pl << 2);
  const lowest = f32x4.splat(-Infinity);
  let o = y;
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * sh - pt;
      const kh0 = firstInside(top, dh, KH), kh1 = endInside(top, dh, KH, H, kh0);
      // the window's rows, reduced into the buffer
      let w = 0;
      for (; w + 4 <= W; w += 4) {
        let m = lowest;
        for (let kh = kh0; kh < kh1; kh++) m = f32x4.max(m, v128.load(base + (<usize>((top + kh * dh) * W + w) << 2)));
        v128.store(row + (<usize>w << 2), m);
      }
      for (; w < W; w++) {
        let m: f32 = -Infinity;
        for (let kh = kh0; kh < kh1; kh++) m = max<f32>(m, load<f32>(base + (<usize>((top + kh * dh) * W + w) << 2)));
        store<f32>(row + (<usize>w << 2), m);
      }
      // then its columns: output ow reads buffer entries ow·sw + kw·dw (from the padded start)
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 16) {
        let m = lowest;
        for (let kw = 0; kw < KW; kw++) m = f32x4.max(m, window4(scratch + (<usize>(ow * sw + kw * dw) << 2), sw));
        v128.store(o, m);
      }
      for (; ow < OW; ow++, o += 4) {
        let m: f32 = -Infinity;
        for (let kw = 0; kw < KW; kw++) m = max<f32>(m, load<f32>(scratch + (<usize>(ow * sw + kw * dw) << 2)));
        store<f32>(o, m);
      }
    }
  }
}

/** Bytes of the row buffer {@link avgPool2d} needs (geometry as max pooling's, without dilation). */
export function avgPoolScratchBytes(geo: usize): i32 {
  const W = g(geo, 2), OW = g(geo, 4), KW = g(geo, 6), sw = g(geo, 8), pl = g(geo, 10);
  return (max(pl + W, (OW - 1) * sw + KW) + 4 * sw + 4) << 2;
}

/**
 * y [planes, OH, OW] = the mean of each window, separable as max pooling's
 * values: the window's rows [h0, h1) summed into a zero-bordered buffer,
 * then its columns, times the divisor's row and column factors (PyTorch's
 * counts, with or without padding, are a product of the two). `rows` holds
 * h0 [OH] and h1 [OH] (i32), then 1/row factor [OH] and 1/column factor
 * [OW] (f32).
 */
export function avgPool2d(x: usize, y: usize, geo: usize, scratch: usize, rows: usize): void {
  const planes = g(geo, 0), H = g(geo, 1), W = g(geo, 2), OH = g(geo, 3), OW = g(geo, 4), KW = g(geo, 6), sw = g(geo, 8), pl = g(geo, 10);
  memory.fill(scratch, 0, <usize>avgPoolScratchBytes(geo));
  const row = scratch + (<usize>pl << 2);
  const h0s = rows, h1s = rows + (<usize>OH << 2), hInv = rows + (<usize>(2 * OH) << 2), wInv = rows + (<usize>(3 * OH) << 2);
  let o = y;
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = load<i32>(h0s + (<usize>oh << 2)), h1 = load<i32>(h1s + (<usize>oh << 2));
      const rowScale = load<f32>(hInv + (<usize>oh << 2));
      let w = 0;
      for (; w + 4 <= W; w += 4) {
        let m = f32x4.splat(0);
        for (let ih = h0; ih < h1; ih++) m = f32x4.add(m, v128.load(base + (<usize>(ih * W + w) << 2)));
        v128.store(row + (<usize>w << 2), m);
      }
      for (; w < W; w++) {
        let m: f32 = 0;
        for (let ih = h0; ih < h1; ih++) m += load<f32>(base + (<usize>(ih * W + w) << 2));
        store<f32>(row + (<usize>w << 2), m);
      }
      const scale = f32x4.splat(rowScale);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 16) {
        let m = f32x4.splat(0);
        for (let kw = 0; kw < KW; kw++) m = f32x4.add(m, window4(scratch + (<usize>(ow * sw + kw) << 2), sw));
        v128.store(o, f32x4.mul(f32x4.mul(m, scale), v128.load(wInv + (<usize>ow << 2))));
      }
      for (; ow < OW; ow++, o += 4) {
        let m: f32 = 0;
        for (let kw = 0; kw < KW; kw++) m += load<f32>(scratch + (<usize>(ow * sw + kw) << 2));
        store<f32>(o, m * rowScale * load<f32>(wInv + (<usize>ow << 2)));
      }
    }
  }
}

/**
 * y, idx [planes, OH, OW] = max and flat argmax (ih·W + iw) of each window.
 * Windows wholly inside the row run four at a time, one per SIMD lane.
 */
export function maxPool2d(x: usize, y: usize, idx: usize, geo: usize): void {
  const planes = g(geo, 0), H = g(geo, 1), W = g(geo, 2), OH = g(geo, 3), OW = g(geo, 4), KH = g(geo, 5), KW = g(geo, 6);
  const sh = g(geo, 7), sw = g(geo, 8), pt = g(geo, 9), pl = g(geo, 10), dh = g(geo, 11), dw = g(geo, 12);
  if (KH == 2 && KW == 2 && sh == 2 && sw == 2 && pt == 0 && pl == 0 && dh == 1 && dw == 1 && OW >= 4 && 2 * OH <= H && 2 * OW <= W) {
    maxPool2x2(x, y, idx, planes, H, W, OH, OW);
    return;
  }
  // output columns whose whole window lies inside [0, W)
  let in0 = (pl + sw - 1) / sw;
  let in1 = W - 1 - (KW - 1) * dw + pl < 0 ? 0 : (W - 1 - (KW - 1) * dw + pl) / sw + 1;
  if (in1 > OW) in1 = OW;
  if (in0 > in1) in0 = in1;
  const steps = i32x4(0, sw, 2 * sw, 3 * sw);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * sh - pt;
      const kh0 = firstInside(top, dh, KH), kh1 = endInside(top, dh, KH, H, kh0);
      const rowOut = <usize>((p * OH + oh) * OW) << 2;
      let ow = 0;
      while (ow < OW) {
        if (ow >= in0 && ow < in1 && in1 - in0 >= 4) {
          // The last group of a row overlaps the one before rather than
          // falling back to scalar code: recomputed outputs come out the same.
          ow = min(ow, in1 - 4);
          o = rowOut + (<usize>ow << 2);
          let best = f32x4.splat(-Infinity);
          let at = i32x4.splat(-1);
          let first = true;
          for (let kh = kh0; kh < kh1; kh++) {
            const rowAt = (top + kh * dh) * W + ow * sw - pl;
            for (let kw = 0; kw < KW; kw++) {
              const q = rowAt + kw * dw;
              const v = window4(base + (<usize>q << 2), sw);
              const qv = i32x4.add(i32x4.splat(q), steps);
              // lanes where v is larger, or NaN; a NaN already held stays
              let take = takes4(v, best);
              if (first) take = i32x4.splat(-1);
              first = false;
              best = v128.bitselect(v, best, take);
              at = v128.bitselect(qv, at, take);
            }
          }
          v128.store(y + o, best);
          v128.store(idx + o, at);
          ow += 4;
          o += 16;
          continue;
        }
        const left = ow * sw - pl;
        const kw0 = firstInside(left, dw, KW), kw1 = endInside(left, dw, KW, W, kw0);
        let best: f32 = -Infinity;
        let at = -1;
        for (let kh = kh0; kh < kh1; kh++) {
          const rowAt = (top + kh * dh) * W + left;
          for (let kw = kw0; kw < kw1; kw++) {
            const q = rowAt + kw * dw;
            const v = load<f32>(base + (<usize>q << 2));
            const t = takes(v, best, at);
            best = select<f32>(v, best, t);
            at = select<i32>(q, at, t);
          }
        }
        store<f32>(y + o, best);
        store<i32>(idx + o, at);
        ow++;
        o += 4;
      }
    }
  }
}

/**
 * out [planes, size] = 0, then out[plane, idx] += x for every element of x
 * [planes, n] (max unpooling, and the gradient of max pooling). Returns -1,
 * or the position of the first index outside [0, size) (nothing is written
 * past the plane; the caller reports it).
 */
export function maxUnpool2d(x: usize, idx: usize, out: usize, planes: i32, n: i32, size: i32, add: i32): i32 {
  memory.fill(out, 0, <usize>(planes * size) << 2);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = out + (<usize>(p * size) << 2);
    for (let k = 0; k < n; k++, o += 4) {
      const at = load<i32>(idx + o);
      if (at < 0 || at >= size) return p * n + k;
      const d = base + (<usize>at << 2);
      store<f32>(d, add ? load<f32>(d) + load<f32>(x + o) : load<f32>(x + o));
    }
  }
  return -1;
}
