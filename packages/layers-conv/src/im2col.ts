/**
 * im2col and col2im: unfolding convolution windows into the columns of a
 * matrix, so that a convolution is one blocked matmul per image and group.
 * @module
 */
import type { TypedArray } from '@nn/tensor';

/** Geometry of one convolution, in elements. */
export interface ConvGeometry {
  /** Input channels per group, input height and width. */
  cg: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  dh: number;
  dw: number;
}

/** The output columns [lo, hi) whose input column ow·sw + shift stays inside [0, W). */
function insideColumns(shift: number, sw: number, W: number, OW: number): [number, number] {
  const lo = Math.min(OW, Math.max(0, Math.ceil(-shift / sw)));
  return [lo, Math.max(lo, Math.min(OW, Math.ceil((W - shift) / sw)))];
}

/**
 * cols[(c·KH + kh)·KW + kw][oh·OW + ow] = x[c, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw] (0 outside),
 * for the `cg` channels starting at `xOff`.
 */
export function im2col(x: TypedArray, xOff: number, g: ConvGeometry, cols: TypedArray): void {
  const { cg, H, W, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw } = g;
  const OHW = OH * OW;
  for (let c = 0; c < cg; c++) {
    const plane = xOff + c * H * W;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        let row = ((c * KH + kh) * KW + kw) * OHW;
        const shift = kw * dw - pl;
        const [owLo, owHi] = insideColumns(shift, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, row += OW) {
          const ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) {
            cols.fill(0, row, row + OW);
            continue;
          }
          const src = plane + ih * W + shift;
          for (let ow = 0; ow < owLo; ow++) cols[row + ow] = 0;
          if (sw === 1) cols.set(x.subarray(src + owLo, src + owHi), row + owLo);
          else for (let ow = owLo; ow < owHi; ow++) cols[row + ow] = x[src + ow * sw]!;
          for (let ow = owHi; ow < OW; ow++) cols[row + ow] = 0;
        }
      }
    }
  }
}

/** The adjoint of {@link im2col}: adds each column entry back into its input position. */
export function col2im(cols: TypedArray, g: ConvGeometry, dx: TypedArray, dxOff: number): void {
  const { cg, H, W, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw } = g;
  const OHW = OH * OW;
  for (let c = 0; c < cg; c++) {
    const plane = dxOff + c * H * W;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        let row = ((c * KH + kh) * KW + kw) * OHW;
        const shift = kw * dw - pl;
        const [owLo, owHi] = insideColumns(shift, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, row += OW) {
          const ih = oh * sh - pt + kh * dh;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W + shift;
          for (let ow = owLo; ow < owHi; ow++) dx[dst + ow * sw]! += cols[row + ow]!;
        }
      }
    }
  }
}
