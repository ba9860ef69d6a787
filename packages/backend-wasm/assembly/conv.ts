// 2-D convolution (NCHW, weights [O, C/G, KH, KW]) as a GEMM per image and
// group whose panels are packed straight from the image (pack-image.ts), and
// its two back-propagations through im2col / col2im. Threads take ranges of
// images, or of a small batch's output pixels.
import { copyFloats, zeroFloats } from './floats';
import { gemm, gemmImage, GEMM_SCRATCH_BYTES } from './gemm';
import { PAD_SLACK, IM_BYTES, IM_DH, IM_DW, IM_HP, IM_KH, IM_KW, IM_OW, IM_SH, IM_SW, IM_WP, padImage } from './pack-image';

// Geometry, an i32 array in memory:
// [C, H, W, O, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw, G]
// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

// The output columns [lo, hi) whose input column ow·sw + shift lies inside [0, W).
// @ts-ignore: decorator
@inline function insideFrom(shift: i32, sw: i32, OW: i32): i32 {
  return min(OW, shift >= 0 ? 0 : (-shift + sw - 1) / sw);
}

// @ts-ignore: decorator
@inline function insideTo(shift: i32, sw: i32, W: i32, OW: i32): i32 {
  return max(insideFrom(shift, sw, OW), min(OW, W - shift <= 0 ? 0 : (W - shift + sw - 1) / sw));
}

// cols[(c·KH + kh)·KW + kw][oh·OW + ow] = x[c, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw] (0 outside)
function im2col(x: usize, cg: i32, geo: usize, cols: usize): void {
  const H = g(geo, 1), W = g(geo, 2), KH = g(geo, 4), KW = g(geo, 5), OH = g(geo, 6), OW = g(geo, 7);
  const sh = g(geo, 8), sw = g(geo, 9), pt = g(geo, 10), pl = g(geo, 11), dh = g(geo, 12), dw = g(geo, 13);
  let row = cols;
  for (let c = 0; c < cg; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const shift = kw * dw - pl;
        const lo = insideFrom(shift, sw, OW), hi = insideTo(shift, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, row += <usize>OW << 2) {
          const ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) {
            zeroFloats(row, OW);
            continue;
          }
          const src = plane + (<usize>(ih * W + shift) << 2);
          zeroFloats(row, lo);
          if (sw == 1) copyFloats(row + (<usize>lo << 2), src + (<usize>lo << 2), hi - lo);
          else for (let ow = lo; ow < hi; ow++) store<f32>(row + (<usize>ow << 2), load<f32>(src + (<usize>(ow * sw) << 2)));
          zeroFloats(row + (<usize>hi << 2), OW - hi);
        }
      }
    }
  }
}

// The adjoint of im2col: adds each column entry back into its input position.
function col2im(cols: usize, cg: i32, geo: usize, dx: usize): void {
  const H = g(geo, 1), W = g(geo, 2), KH = g(geo, 4), KW = g(geo, 5), OH = g(geo, 6), OW = g(geo, 7);
  const sh = g(geo, 8), sw = g(geo, 9), pt = g(geo, 10), pl = g(geo, 11), dh = g(geo, 12), dw = g(geo, 13);
  let row = cols;
  for (let c = 0; c < cg; c++) {
    const plane = dx + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const shift = kw * dw - pl;
        const lo = insideFrom(shift, sw, OW), hi = insideTo(shift, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, row += <usize>OW << 2) {
          const ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + (<usize>(ih * W + shift) << 2);
          for (let ow = lo; ow < hi; ow++) {
            const p = dst + (<usize>(ow * sw) << 2);
            store<f32>(p, load<f32>(p) + load<f32>(row + (<usize>ow << 2)));
          }
        }
      }
    }
  }
}

// The padded extent of the input that the windows cover.
// @ts-ignore: decorator
@inline function paddedH(geo: usize): i32 {
  return (g(geo, 6) - 1) * g(geo, 8) + (g(geo, 4) - 1) * g(geo, 12) + 1;
}
// @ts-ignore: decorator
@inline function paddedW(geo: usize): i32 {
  return (g(geo, 7) - 1) * g(geo, 9) + (g(geo, 5) - 1) * g(geo, 13) + 1;
}

/**
 * Bytes of scratch a conv call needs per thread: a padded image (forward) or
 * the column matrix (back-propagations), then GEMM's panels.
 */
export function convScratchBytes(geo: usize): i32 {
  const C = g(geo, 0), KH = g(geo, 4), KW = g(geo, 5), OH = g(geo, 6), OW = g(geo, 7), G = g(geo, 14);
  const cols = (C / G) * KH * KW * OH * OW, padded = (C / G) * paddedH(geo) * paddedW(geo) + PAD_SLACK;
  return IM_BYTES + ((max(cols, padded) + 3) & ~3) * 4 + GEMM_SCRATCH_BYTES;
}

// @ts-ignore: decorator
@inline function pointwise(geo: usize): bool {
  return g(geo, 4) == 1 && g(geo, 5) == 1 && g(geo, 8) == 1 && g(geo, 9) == 1 && g(geo, 10) == 0 && g(geo, 11) == 0;
}

/**
 * y[n][:, j0:j1] = conv(x[n], w) for images n in [n0, n1) and output pixels
 * [j0, j1) (threads split images, or the pixels of a small batch). The GEMM
 * packs its B panels straight from a zero-bordered copy of each image.
 */
export function conv2d(x: usize, w: usize, y: usize, geo: usize, n0: i32, n1: i32, j0: i32, j1: i32, o0: i32, o1: i32, scratch: usize): void {
  const C = g(geo, 0), H = g(geo, 1), W = g(geo, 2), O = g(geo, 3), OHW = g(geo, 6) * g(geo, 7), G = g(geo, 14);
  const cg = C / G, og = O / G, K = cg * g(geo, 4) * g(geo, 5);
  const Hp = paddedH(geo), Wp = paddedW(geo);
  const im = scratch;
  const xp = im + IM_BYTES;
  const gemmScratch = xp + (<usize>((cg * Hp * Wp + PAD_SLACK + 3) & ~3) << 2);
  const direct = pointwise(geo);
  store<i32>(im + (IM_OW << 2), g(geo, 7));
  store<i32>(im + (IM_SH << 2), g(geo, 8));
  store<i32>(im + (IM_SW << 2), g(geo, 9));
  store<i32>(im + (IM_DH << 2), g(geo, 12));
  store<i32>(im + (IM_DW << 2), g(geo, 13));
  store<i32>(im + (IM_KH << 2), g(geo, 4));
  store<i32>(im + (IM_KW << 2), g(geo, 5));
  store<i32>(im + (IM_HP << 2), Hp);
  store<i32>(im + (IM_WP << 2), Wp);
  for (let n = n0; n < n1; n++) {
    for (let gi = 0; gi < G; gi++) {
      const xg = x + (<usize>((n * C + gi * cg) * H * W) << 2);
      const wg = w + (<usize>(gi * og * K) << 2);
      const yg = y + (<usize>((n * O + gi * og) * OHW) << 2);
      const m1 = min(o1, og);
      if (direct) {
        gemm(wg, false, xg, false, yg, og, OHW, K, o0, m1, j0, j1, gemmScratch, false);
        continue;
      }
      padImage(xg, cg, H, W, g(geo, 10), g(geo, 11), Hp, Wp, xp);
      gemmImage(wg, xp, im, yg, og, OHW, K, o0, m1, j0, j1, gemmScratch);
    }
  }
}

/**
 * dx[n] = convᵀ(dy[n], w) for images n in [n0, n1) and, ungrouped, input
 * channels [c0, c1) (threads split images, or the channels of a small
 * batch: each channel's plane gathers from its own rows of the columns).
 */
export function conv2dBackpropInput(dy: usize, w: usize, dx: usize, geo: usize, n0: i32, n1: i32, c0: i32, c1: i32, scratch: usize): void {
  const C = g(geo, 0), H = g(geo, 1), W = g(geo, 2), O = g(geo, 3), OHW = g(geo, 6) * g(geo, 7), G = g(geo, 14);
  const cg = C / G, og = O / G, KK = g(geo, 4) * g(geo, 5), K = cg * KK;
  const ca = G == 1 ? c0 : 0, cb = G == 1 ? min(c1, cg) : cg;
  const cols = scratch;
  const gemmScratch = scratch + (<usize>convScratchBytes(geo) - <usize>GEMM_SCRATCH_BYTES);
  for (let n = n0; n < n1; n++) {
    for (let gi = 0; gi < G; gi++) {
      // cols = W_gᵀ · dy_g (the rows of channels [ca, cb)), then fold them back onto the input.
      const dyg = dy + (<usize>((n * O + gi * og) * OHW) << 2);
      const plane = dx + (<usize>((n * C + gi * cg + ca) * H * W) << 2);
      memory.fill(plane, 0, <usize>((cb - ca) * H * W) << 2);
      gemm(w + (<usize>(gi * og * K) << 2), true, dyg, false, cols, K, OHW, og, ca * KK, cb * KK, 0, OHW, gemmScratch, false);
      col2im(cols + (<usize>(ca * KK * OHW) << 2), cb - ca, geo, plane);
    }
  }
}

/** dw (+)= Σ_n dy[n] · im2col(x[n])ᵀ over images n in [n0, n1); dw is accumulated into. */
export function conv2dBackpropFilter(x: usize, dy: usize, dw: usize, geo: usize, n0: i32, n1: i32, scratch: usize): void {
  const C = g(geo, 0), H = g(geo, 1), W = g(geo, 2), O = g(geo, 3), OHW = g(geo, 6) * g(geo, 7), G = g(geo, 14);
  const cg = C / G, og = O / G, K = cg * g(geo, 4) * g(geo, 5);
  const cols = scratch;
  const gemmScratch = scratch + (<usize>convScratchBytes(geo) - <usize>GEMM_SCRATCH_BYTES);
  const direct = pointwise(geo);
  for (let n = n0; n < n1; n++) {
    for (let gi = 0; gi < G; gi++) {
      const xg = x + (<usize>((n * C + gi * cg) * H * W) << 2);
      if (!direct) im2col(xg, cg, geo, cols);
      const dyg = dy + (<usize>((n * O + gi * og) * OHW) << 2);
      gemm(dyg, false, direct ? xg : cols, true, dw + (<usize>(gi * og * K) << 2), og, K, OHW, 0, og, 0, K, gemmScratch, true);
    }
  }
}
