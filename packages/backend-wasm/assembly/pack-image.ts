// Packs GEMM panels of B straight from an image, for convolution without an
// im2col matrix: column j of B is output pixel (j / OW, j % OW), row k is
// filter tap (c, kh, kw), and B[k, j] the input under that tap. The image is
// first copied into a zero-bordered buffer (padImage), so no tap needs a
// bounds check and, at stride 1, eight pixels of one output row are eight
// consecutive floats. The buffer has PAD_SLACK floats past its end: vector
// loads at the end of a row may read them, and their lanes are discarded.

import { copyFloats } from './floats';

// Layout of the description `im` (i32s): OW, sh, sw, dh, dw, KH, KW, Hp, Wp,
// then 8 lane offsets and the byte offsets of up to 256 taps (scratch for
// the current panel and block).
export const IM_OW = 0, IM_SH = 1, IM_SW = 2, IM_DH = 3, IM_DW = 4, IM_KH = 5, IM_KW = 6, IM_HP = 7, IM_WP = 8, IM_LANES = 9, IM_TAPS = 20;
/** Floats past the padded planes that a vector load may touch. */
export const PAD_SLACK: i32 = 8;
/** Bytes of a description. */
export const IM_BYTES: i32 = (IM_TAPS + 256) * 4;

// @ts-ignore: decorator
@inline function at(im: usize, i: i32): i32 {
  return load<i32>(im + (<usize>i << 2));
}

/**
 * xp[c] = x[c] shifted by (pt, pl) into an Hp x Wp plane of zeros, for the
 * cg channels of one image and group.
 */
export function padImage(x: usize, cg: i32, H: i32, W: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, xp: usize): void {
  memory.fill(xp, 0, <usize>(cg * Hp * Wp) << 2);
  const rows = min(H, Hp - pt), cols = min(W, Wp - pl);
  if (rows <= 0 || cols <= 0) return;
  for (let c = 0; c < cg; c++) {
    for (let r = 0; r < rows; r++) {
      const src = x + (<usize>((c * H + r) * W) << 2);
      copyFloats(xp + (<usize>((c * Hp + r + pt) * Wp + pl) << 2), src, cols);
    }
  }
}

// One tap row of a panel that ends one output row and starts the next:
// `split` pixels from this row (at src), 8 − split from the next (at
// src + next). Inlined with a literal `split`, so each copy keeps only its shuffles.
// @ts-ignore: decorator
@inline function crossTaps(split: i32, xp: usize, offs: usize, kc: i32, first: usize, next: usize, dst: usize): void {
  for (let k = 0; k < kc; k++) {
    const src = xp + <usize>load<i32>(offs + (<usize>k << 2)) + first;
    const d = dst + (<usize>k << 5);
    const a0 = v128.load(src), a1 = v128.load(src, 16);
    const b0 = v128.load(src + next), b1 = v128.load(src + next, 16);
    let lo = a0, hi = b0;
    switch (split) {
      case 1: lo = v128.shuffle<f32>(a0, b0, 0, 4, 5, 6); hi = v128.shuffle<f32>(b0, b1, 3, 4, 5, 6); break;
      case 2: lo = v128.shuffle<f32>(a0, b0, 0, 1, 4, 5); hi = v128.shuffle<f32>(b0, b1, 2, 3, 4, 5); break;
      case 3: lo = v128.shuffle<f32>(a0, b0, 0, 1, 2, 4); hi = v128.shuffle<f32>(b0, b1, 1, 2, 3, 4); break;
      case 4: break;
      case 5: hi = v128.shuffle<f32>(a1, b0, 0, 4, 5, 6); break;
      case 6: hi = v128.shuffle<f32>(a1, b0, 0, 1, 4, 5); break;
      default: hi = v128.shuffle<f32>(a1, b0, 0, 1, 2, 4);
    }
    v128.store(d, lo);
    v128.store(d, hi, 16);
  }
}

/**
 * Packs columns [j0, j0 + nc) and depth [p0, p0 + kc) of the image's B as
 * gemm.ts's panels of 8 columns: pb[(panel * kc + k) * 8 + lane]; columns
 * past `jEnd` are zero.
 */
export function packImage(xp: usize, im: usize, j0: i32, jEnd: i32, nc: i32, p0: i32, kc: i32, pb: usize): void {
  const OW = at(im, IM_OW), sh = at(im, IM_SH), sw = at(im, IM_SW), dh = at(im, IM_DH), dw = at(im, IM_DW);
  const KH = at(im, IM_KH), KW = at(im, IM_KW), Hp = at(im, IM_HP), Wp = at(im, IM_WP);
  const lanes = im + (<usize>IM_LANES << 2);
  const offs = im + (<usize>IM_TAPS << 2);
  // byte offset of each tap (c, kh, kw) of the block, once for all panels
  const taps = KH * KW;
  let c = p0 / taps, t = p0 - c * taps;
  let kh = t / KW, kw = t - kh * KW;
  for (let k = 0; k < kc; k++) {
    store<i32>(offs + (<usize>k << 2), ((c * Hp + kh * dh) * Wp + kw * dw) << 2);
    if (++kw == KW) {
      kw = 0;
      if (++kh == KH) {
        kh = 0;
        c++;
      }
    }
  }
  const panels = (nc + 7) >> 3;
  for (let jp = 0; jp < panels; jp++) {
    const j = j0 + jp * 8;
    const dst = pb + (<usize>(jp * kc) << 5);
    const oh = j / OW, ow = j - oh * OW;
    const first = <usize>(oh * sh * Wp + ow * sw) << 2;
    const split = OW - ow;
    if (sw == 1 && split >= 8 && j + 8 <= jEnd) {
      // eight pixels of one output row at stride 1: two vectors per tap
      for (let k = 0; k < kc; k++) {
        const src = xp + <usize>load<i32>(offs + (<usize>k << 2)) + first;
        const d = dst + (<usize>k << 5);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
      continue;
    }
    if (sw == 1 && j + 8 <= jEnd && 8 - split <= OW) {
      // the end of one output row and the start of the next
      const next = <usize>(sh * Wp - ow) << 2;
      switch (split) {
        case 1: crossTaps(1, xp, offs, kc, first, next, dst); break;
        case 2: crossTaps(2, xp, offs, kc, first, next, dst); break;
        case 3: crossTaps(3, xp, offs, kc, first, next, dst); break;
        case 4: crossTaps(4, xp, offs, kc, first, next, dst); break;
        case 5: crossTaps(5, xp, offs, kc, first, next, dst); break;
        case 6: crossTaps(6, xp, offs, kc, first, next, dst); break;
        default: crossTaps(7, xp, offs, kc, first, next, dst);
      }
      continue;
    }
    // anything else (strides, rows under 8 pixels, the last partial panel): lane by lane
    for (let l = 0; l < 8; l++) {
      const jl = j + l, ohl = jl / OW;
      store<i32>(lanes + (<usize>l << 2), jl < jEnd ? (ohl * sh * Wp + (jl - ohl * OW) * sw) << 2 : -1);
    }
    for (let k = 0; k < kc; k++) {
      const tap = xp + <usize>load<i32>(offs + (<usize>k << 2));
      const d = dst + (<usize>k << 5);
      for (let l = 0; l < 8; l++) {
        const off = load<i32>(lanes + (<usize>l << 2));
        store<f32>(d + (<usize>l << 2), off < 0 ? 0 : load<f32>(tap + <usize>off));
      }
    }
  }
}
