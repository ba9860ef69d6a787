// Winograd's minimal filtering F(2x2, 3x3) for 3x3 convolutions at stride 1
// (Lavin and Gray 2016): each 2x2 block of output pixels ("tile") comes from
// a 4x4 patch of input, and the products per tile drop from 36 to 16,
// which 16 GEMMs (one per transformed position) compute for all channels:
//   U[k] = (G g Gᵀ)[k]  for every filter           [16][O][C]
//   V[k] = (Bᵀ d B)[k]  for every input patch      [16][C][tiles]
//   M[k] = U[k] · V[k]                             [16][O][tiles]
//   y    = Aᵀ m A       for every tile             2x2 outputs
// Tiles run in blocks that keep V and M in cache; four neighbouring tiles
// share one SIMD vector in the transforms.
import { gemm } from './gemm';
import { padImage, PAD_SLACK } from './pack-image';

// Floats between the 16 planes of V (and of M) beyond their size: the
// transforms touch all 16 at once, and planes a multiple of 4 KiB apart
// would share the same few L1 sets.
const PLANE_SKEW: i32 = 16;

// Geometry, an i32 array in memory: [C, H, W, O, OH, OW, pt, pl, TB]
// (TB: tiles per block, a multiple of 8).
// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

// One row of U = t Gᵀ from row (a, b, d) of t = G f: planes 4r .. 4r + 3.
// @ts-ignore: decorator
@inline function filterRow(a: f32, b: f32, d: f32, dst: usize, plane: usize): void {
  store<f32>(dst, a);
  store<f32>(dst + plane, 0.5 * (a + b + d));
  store<f32>(dst + 2 * plane, 0.5 * (a - b + d));
  store<f32>(dst + 3 * plane, d);
}

/**
 * U[k][o][c] = (G w[o][c] Gᵀ)[k] for 3x3 filters w [O][C][3][3]. With `flip`,
 * U[k][c][o] from w[o][c] rotated by 180° (the filters of the input
 * gradient, in and out swapped).
 */
export function winogradFilter(w: usize, u: usize, O: i32, C: i32, flip: bool): void {
  const plane = <usize>(O * C) << 2;
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const f = w + (<usize>((o * C + c) * 9) << 2);
      let f00 = load<f32>(f), f01 = load<f32>(f, 4), f02 = load<f32>(f, 8);
      let f10 = load<f32>(f, 12), f11 = load<f32>(f, 16), f12 = load<f32>(f, 20);
      let f20 = load<f32>(f, 24), f21 = load<f32>(f, 28), f22 = load<f32>(f, 32);
      if (flip) {
        let s = f00; f00 = f22; f22 = s;
        s = f01; f01 = f21; f21 = s;
        s = f02; f02 = f20; f20 = s;
        s = f10; f10 = f12; f12 = s;
      }
      // t = G f, row by row, then each row times Gᵀ
      const dst = u + (<usize>(flip ? c * O + o : o * C + c) << 2);
      filterRow(f00, f01, f02, dst, plane);
      filterRow(0.5 * (f00 + f10 + f20), 0.5 * (f01 + f11 + f21), 0.5 * (f02 + f12 + f22), dst + 4 * plane, plane);
      filterRow(0.5 * (f00 - f10 + f20), 0.5 * (f01 - f11 + f21), 0.5 * (f02 - f12 + f22), dst + 8 * plane, plane);
      filterRow(f20, f21, f22, dst + 12 * plane, plane);
    }
  }
}

// Bᵀ d B along one dimension: [d0 − d2, d1 + d2, d2 − d1, d1 − d3].
// @ts-ignore: decorator
@inline function b0(d0: v128, d2: v128): v128 { return f32x4.sub(d0, d2); }
// @ts-ignore: decorator
@inline function b1(d1: v128, d2: v128): v128 { return f32x4.add(d1, d2); }
// @ts-ignore: decorator
@inline function b2(d1: v128, d2: v128): v128 { return f32x4.sub(d2, d1); }
// @ts-ignore: decorator
@inline function b3(d1: v128, d3: v128): v128 { return f32x4.sub(d1, d3); }

// One input row of four neighbouring tiles: columns q = 0..3 of each 4x4
// patch, the tiles in the lanes. Tile l starts at column 2l.
// @ts-ignore: decorator
@inline function col0(p: usize): v128 { return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6); }
// @ts-ignore: decorator
@inline function col1(p: usize): v128 { return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 1, 3, 5, 7); }
// @ts-ignore: decorator
@inline function col2(p: usize): v128 { return v128.shuffle<f32>(v128.load(p, 8), v128.load(p, 24), 0, 2, 4, 6); }
// @ts-ignore: decorator
@inline function col3(p: usize): v128 { return v128.shuffle<f32>(v128.load(p, 8), v128.load(p, 24), 1, 3, 5, 7); }

// Bᵀ along the patch's rows for column q: parked in V's planes q, 4 + q,
// 8 + q, 12 + q (row i of Bᵀ d in plane 4i + q) for the second pass.
// @ts-ignore: decorator
@inline function rowsPass(d0: v128, d1: v128, d2: v128, d3: v128, v: usize, kStep: usize): void {
  v128.store(v, b0(d0, d2));
  v128.store(v + 4 * kStep, b1(d1, d2));
  v128.store(v + 8 * kStep, b2(d1, d2));
  v128.store(v + 12 * kStep, b3(d1, d3));
}

// B along the columns of row i (planes 4i .. 4i + 3), in place.
// @ts-ignore: decorator
@inline function columnsPass(row: usize, kStep: usize): void {
  const e0 = v128.load(row), e1 = v128.load(row + kStep), e2 = v128.load(row + 2 * kStep), e3 = v128.load(row + 3 * kStep);
  v128.store(row, b0(e0, e2));
  v128.store(row + kStep, b1(e1, e2));
  v128.store(row + 2 * kStep, b2(e1, e2));
  v128.store(row + 3 * kStep, b3(e1, e3));
}

// V[k][c][t .. t+3] for the four tiles whose patches start at p (row stride
// rowBytes); `kStep` is the byte distance between the 16 planes of V.
// @ts-ignore: decorator
@inline function inputTransform4(p: usize, rowBytes: usize, v: usize, kStep: usize): void {
  const r1 = p + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
  rowsPass(col0(p), col0(r1), col0(r2), col0(r3), v, kStep);
  rowsPass(col1(p), col1(r1), col1(r2), col1(r3), v + kStep, kStep);
  rowsPass(col2(p), col2(r1), col2(r2), col2(r3), v + 2 * kStep, kStep);
  rowsPass(col3(p), col3(r1), col3(r2), col3(r3), v + 3 * kStep, kStep);
  columnsPass(v, kStep);
  columnsPass(v + 4 * kStep, kStep);
  columnsPass(v + 8 * kStep, kStep);
  columnsPass(v + 12 * kStep, kStep);
}

// Aᵀ along the rows for column q: m0 + m1 + m2 and m1 − m2 − m3.
// @ts-ignore: decorator
@inline function sumRows(mp: usize, kStep: usize): v128 {
  return f32x4.add(f32x4.add(v128.load(mp), v128.load(mp + 4 * kStep)), v128.load(mp + 8 * kStep));
}
// @ts-ignore: decorator
@inline function diffRows(mp: usize, kStep: usize): v128 {
  return f32x4.sub(f32x4.sub(v128.load(mp + 4 * kStep), v128.load(mp + 8 * kStep)), v128.load(mp + 12 * kStep));
}

// Aᵀ m A for four tiles: m[k] at mp + k·kStep (tiles in the lanes); writes
// the 2x2 outputs of each tile to y at rows (oy, oy + 1), columns from ox.
// @ts-ignore: decorator
@inline function outputTransform4(mp: usize, kStep: usize, y: usize, OH: i32, OW: i32, oy: i32, ox: i32): void {
  const s00 = sumRows(mp, kStep), s01 = sumRows(mp + kStep, kStep), s02 = sumRows(mp + 2 * kStep, kStep), s03 = sumRows(mp + 3 * kStep, kStep);
  const s10 = diffRows(mp, kStep), s11 = diffRows(mp + kStep, kStep), s12 = diffRows(mp + 2 * kStep, kStep), s13 = diffRows(mp + 3 * kStep, kStep);
  // along the columns
  const y00 = f32x4.add(f32x4.add(s00, s01), s02), y01 = f32x4.sub(f32x4.sub(s01, s02), s03);
  const y10 = f32x4.add(f32x4.add(s10, s11), s12), y11 = f32x4.sub(f32x4.sub(s11, s12), s13);
  // tile l's pixels are columns ox + 2l and ox + 2l + 1: interleave
  storeRow(y, OW, oy, ox, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), v128.shuffle<f32>(y00, y01, 2, 6, 3, 7));
  if (oy + 1 < OH) storeRow(y, OW, oy + 1, ox, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), v128.shuffle<f32>(y10, y11, 2, 6, 3, 7));
}

// Eight output pixels of row oy from column ox, those inside the row.
// @ts-ignore: decorator
@inline function storeRow(y: usize, OW: i32, oy: i32, ox: i32, lo: v128, hi: v128): void {
  const p = y + (<usize>(oy * OW + ox) << 2);
  const n = OW - ox;
  if (n >= 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
    return;
  }
  if (n > 0) store<f32>(p, f32x4.extract_lane(lo, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(lo, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(lo, 2), 8);
  if (n > 3) store<f32>(p, f32x4.extract_lane(lo, 3), 12);
  if (n > 4) store<f32>(p, f32x4.extract_lane(hi, 0), 16);
  if (n > 5) store<f32>(p, f32x4.extract_lane(hi, 1), 20);
  if (n > 6) store<f32>(p, f32x4.extract_lane(hi, 2), 24);
}

// Tiles per row, rounded up to whole groups of four.
// @ts-ignore: decorator
@inline function tileRow(OW: i32): i32 {
  return (((OW + 1) >> 1) + 3) & ~3;
}

/** Bytes of scratch one thread needs: the padded image, V and M of one block, and GEMM's panels. */
export function winogradScratchBytes(geo: usize, gemmBytes: i32): i32 {
  const C = g(geo, 0), O = g(geo, 3), OH = g(geo, 4), OW = g(geo, 5), TB = g(geo, 8);
  const Hp = ((OH + 1) >> 1) * 2 + 2, Wp = tileRow(OW) * 2 + 2;
  return ((C * Hp * Wp + PAD_SLACK + 3) & ~3) * 4 + 16 * ((C + O) * TB + 2 * PLANE_SKEW) * 4 + gemmBytes;
}

/** Tile blocks per image. */
export function winogradBlocks(geo: usize): i32 {
  const OH = g(geo, 4), OW = g(geo, 5), TB = g(geo, 8);
  const tiles = ((OH + 1) >> 1) * tileRow(OW);
  return (tiles + TB - 1) / TB;
}

/**
 * y[n] = conv3x3(x[n]) at stride 1 with the filters' transform `u`, for
 * images [n0, n1) and tile blocks [t0, t1) of each (threads split images, or
 * the blocks of a small batch).
 */
export function winogradConv(x: usize, u: usize, y: usize, geo: usize, n0: i32, n1: i32, t0: i32, t1: i32, scratch: usize, gemmScratch: usize): void {
  const C = g(geo, 0), H = g(geo, 1), W = g(geo, 2), O = g(geo, 3), OH = g(geo, 4), OW = g(geo, 5);
  const pt = g(geo, 6), pl = g(geo, 7), TB = g(geo, 8);
  const tilesW = tileRow(OW), tilesH = (OH + 1) >> 1, tiles = tilesH * tilesW;
  const Hp = tilesH * 2 + 2, Wp = tilesW * 2 + 2;
  const xp = scratch;
  const v = xp + (<usize>((C * Hp * Wp + PAD_SLACK + 3) & ~3) << 2);
  const vStep = <usize>(C * TB + PLANE_SKEW) << 2, mStep = <usize>(O * TB + PLANE_SKEW) << 2;
  const m = v + 16 * vStep;
  const rowBytes = <usize>Wp << 2;
  for (let n = n0; n < n1; n++) {
    padImage(x + (<usize>(n * C * H * W) << 2), C, H, W, pt, pl, Hp, Wp, xp);
    const yn = y + (<usize>(n * O * OH * OW) << 2);
    for (let blk = t0; blk < t1; blk++) {
      const first = blk * TB, count = min(TB, tiles - first);
      if (count <= 0) break;
      // V for the block's tiles, four at a time (a block is whole groups of four)
      for (let c = 0; c < C; c++) {
        const plane = xp + <usize>(c * Hp) * rowBytes;
        for (let t = 0; t < count; t += 4) {
          const tile = first + t, ty = tile / tilesW, tx = tile - ty * tilesW;
          inputTransform4(plane + <usize>(2 * ty) * rowBytes + (<usize>(2 * tx) << 2), rowBytes, v + (<usize>(c * TB + t) << 2), vStep);
        }
      }
      // the 16 products, each O x C times C x count
      for (let k = 0; k < 16; k++) {
        gemm(u + (<usize>(k * O * C) << 2), false, v + <usize>k * vStep, false, m + <usize>k * mStep, O, TB, C, 0, O, 0, count, gemmScratch, false);
      }
      // back to pixels
      for (let o = 0; o < O; o++) {
        const yo = yn + (<usize>(o * OH * OW) << 2);
        for (let t = 0; t < count; t += 4) {
          const tile = first + t, ty = tile / tilesW, tx = tile - ty * tilesW;
          if (2 * tx >= OW) continue;
          outputTransform4(m + (<usize>(o * TB + t) << 2), mStep, yo, OH, OW, 2 * ty, 2 * tx);
        }
      }
    }
  }
}

// ------------------------------------------------------------------ filter gradient
// The same transform read backwards gives the filters' gradient of a 3x3
// stride-1 convolution: with Z = A dy Aᵀ (the adjoint of the output
// transform) for every 2x2 tile of dy,
//   dU[k] += Z[k] · V[k]ᵀ     [16][O][C], summed over tiles and images
//   dw     = Gᵀ dU G           3x3 per filter
// 2.25 times fewer multiplies than im2col's product, as in the forward pass.

// Z = A t Aᵀ for four tiles of dy whose rows (oy, oy + 1) start at p and p +
// rowBytes in a zero-padded plane: lanes are tiles; Z[k] goes to z + k·kStep.
// @ts-ignore: decorator
@inline function gradientTransform4(p: usize, rowBytes: usize, z: usize, kStep: usize): void {
  const a = col0(p), b = col1(p), c = col0(p + rowBytes), d = col1(p + rowBytes);
  // A t: rows (a, b), (a + c, b + d), (a − c, b − d), (−c, −d); then each row (p, q) times Aᵀ: (p, p + q, p − q, −q)
  zRow(a, b, z, kStep);
  zRow(f32x4.add(a, c), f32x4.add(b, d), z + 4 * kStep, kStep);
  zRow(f32x4.sub(a, c), f32x4.sub(b, d), z + 8 * kStep, kStep);
  zRow(f32x4.neg(c), f32x4.neg(d), z + 12 * kStep, kStep);
}

// @ts-ignore: decorator
@inline function zRow(p: v128, q: v128, z: usize, kStep: usize): void {
  v128.store(z, p);
  v128.store(z + kStep, f32x4.add(p, q));
  v128.store(z + 2 * kStep, f32x4.sub(p, q));
  v128.store(z + 3 * kStep, f32x4.neg(q));
}

/** Bytes of scratch one thread of {@link winogradFilterGradient} needs: the forward's, and dy zero-padded to whole tiles. */
export function winogradGradientScratchBytes(geo: usize, gemmBytes: i32): i32 {
  const O = g(geo, 3), OH = g(geo, 4), OW = g(geo, 5);
  return winogradScratchBytes(geo, gemmBytes) + ((O * (((OH + 1) >> 1) * 2) * (tileRow(OW) * 2) + PAD_SLACK + 3) & ~3) * 4;
}

/**
 * du[k][o][c] += Σ over the tiles of images [n0, n1) of Z[k][o][t]·V[k][c][t],
 * x [N, C, H, W] the convolution's input, dy [N, O, OH, OW] its output's
 * cotangent (geometry as {@link winogradConv}'s). A block gathers the tiles
 * of consecutive images, so that small images (7x7: 16 tiles) still make
 * products deep enough to run at speed.
 */
export function winogradFilterGradient(x: usize, dy: usize, du: usize, geo: usize, n0: i32, n1: i32, scratch: usize, gemmScratch: usize): void {
  const C = g(geo, 0), H = g(geo, 1), W = g(geo, 2), O = g(geo, 3), OH = g(geo, 4), OW = g(geo, 5);
  const pt = g(geo, 6), pl = g(geo, 7), TB = g(geo, 8);
  const tilesW = tileRow(OW), tilesH = (OH + 1) >> 1, tiles = tilesH * tilesW;
  const Hp = tilesH * 2 + 2, Wp = tilesW * 2 + 2, Hd = tilesH * 2, Wd = tilesW * 2;
  const xp = scratch;
  const v = xp + (<usize>((C * Hp * Wp + PAD_SLACK + 3) & ~3) << 2);
  const vStep = <usize>(C * TB + PLANE_SKEW) << 2, zStep = <usize>(O * TB + PLANE_SKEW) << 2;
  const z = v + 16 * vStep;
  const dyp = z + 16 * zStep;
  const rowBytes = <usize>Wp << 2, dRowBytes = <usize>Wd << 2;
  let fill = 0;
  for (let n = n0; n < n1; n++) {
    padImage(x + (<usize>(n * C * H * W) << 2), C, H, W, pt, pl, Hp, Wp, xp);
    padImage(dy + (<usize>(n * O * OH * OW) << 2), O, OH, OW, 0, 0, Hd, Wd, dyp);
    for (let first = 0; first < tiles; ) {
      // tiles come in whole groups of four, and TB is a multiple of 8, so `take` is one too
      const take = min(TB - fill, tiles - first);
      for (let c = 0; c < C; c++) {
        const plane = xp + <usize>(c * Hp) * rowBytes;
        for (let t = 0; t < take; t += 4) {
          const tile = first + t, ty = tile / tilesW, tx = tile - ty * tilesW;
          inputTransform4(plane + <usize>(2 * ty) * rowBytes + (<usize>(2 * tx) << 2), rowBytes, v + (<usize>(c * TB + fill + t) << 2), vStep);
        }
      }
      for (let o = 0; o < O; o++) {
        const plane = dyp + <usize>(o * Hd) * dRowBytes;
        for (let t = 0; t < take; t += 4) {
          const tile = first + t, ty = tile / tilesW, tx = tile - ty * tilesW;
          gradientTransform4(plane + <usize>(2 * ty) * dRowBytes + (<usize>(2 * tx) << 2), dRowBytes, z + (<usize>(o * TB + fill + t) << 2), zStep);
        }
      }
      fill += take;
      first += take;
      if (fill == TB) {
        gradientProducts(z, zStep, v, vStep, du, O, C, TB, gemmScratch);
        fill = 0;
      }
    }
  }
  if (fill > 0) {
    // a partial block: close up its rows (stride TB to stride fill) so the products run over its tiles only
    for (let k = 0; k < 16; k++) {
      for (let c = 1; c < C; c++) memory.copy(v + <usize>k * vStep + (<usize>(c * fill) << 2), v + <usize>k * vStep + (<usize>(c * TB) << 2), <usize>fill << 2);
      for (let o = 1; o < O; o++) memory.copy(z + <usize>k * zStep + (<usize>(o * fill) << 2), z + <usize>k * zStep + (<usize>(o * TB) << 2), <usize>fill << 2);
    }
    gradientProducts(z, zStep, v, vStep, du, O, C, fill, gemmScratch);
  }
}

// du[k] += Z[k] · V[k]ᵀ over `count` tiles (both with row stride `count`), for the 16 planes.
function gradientProducts(z: usize, zStep: usize, v: usize, vStep: usize, du: usize, O: i32, C: i32, count: i32, gemmScratch: usize): void {
  for (let k = 0; k < 16; k++) {
    gemm(z + <usize>k * zStep, false, v + <usize>k * vStep, true, du + (<usize>(k * O * C) << 2), O, C, count, 0, O, 0, C, gemmScratch, true);
  }
}

/** dw[o][c] = Gᵀ du[·][o][c] G: the 3x3 filter gradients from the summed transformed products. */
export function winogradFilterGradientFinish(du: usize, dw: usize, O: i32, C: i32): void {
  const plane = <usize>(O * C) << 2;
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const src = du + (<usize>(o * C + c) << 2);
      // rows of Gᵀ M, each a 4-vector over the columns j of M (planes 4i + j)
      const m0 = loadRow(src, 0, plane), m1 = loadRow(src, 1, plane), m2 = loadRow(src, 2, plane), m3 = loadRow(src, 3, plane);
      const half = f32x4.splat(0.5);
      const s12 = f32x4.mul(half, f32x4.add(m1, m2));
      const t0 = f32x4.add(m0, s12), t1 = f32x4.mul(half, f32x4.sub(m1, m2)), t2 = f32x4.add(s12, m3);
      const d = dw + (<usize>((o * C + c) * 9) << 2);
      storeFilterRow(t0, d);
      storeFilterRow(t1, d + 12);
      storeFilterRow(t2, d + 24);
    }
  }
}

// Row i of M (planes 4i .. 4i + 3) as one vector.
// @ts-ignore: decorator
@inline function loadRow(src: usize, i: i32, plane: usize): v128 {
  const p = src + <usize>(4 * i) * plane;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + plane));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * plane));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * plane));
}

// A row t of Gᵀ M times G: (t0 + (t1 + t2)/2, (t1 − t2)/2, (t1 + t2)/2 + t3).
// @ts-ignore: decorator
@inline function storeFilterRow(t: v128, d: usize): void {
  const t0 = f32x4.extract_lane(t, 0), t1 = f32x4.extract_lane(t, 1), t2 = f32x4.extract_lane(t, 2), t3 = f32x4.extract_lane(t, 3);
  const s = <f32>0.5 * (t1 + t2);
  store<f32>(d, t0 + s);
  store<f32>(d, <f32>0.5 * (t1 - t2), 4);
  store<f32>(d, s + t3, 8);
}
