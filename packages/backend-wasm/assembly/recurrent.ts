// Fused LSTM and GRU cell updates and their backward passes (the ops of
// @nn/layers-recurrent), four hidden units at a time. Gate layouts are
// PyTorch's: LSTM (i, f, g, o) and GRU (r, z, n), each row [B, k·H].
import { vsigmoid, vtanh } from './vmath';

// @ts-ignore: decorator
@inline function ld(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function st(p: usize, j: i32, v: v128): void {
  v128.store(p + (<usize>j << 2), v);
}

// One element (lane 0) of a vector op, for the columns past the last multiple of 4.
// @ts-ignore: decorator
@inline function one(p: usize, j: i32): v128 {
  return f32x4.splat(load<f32>(p + (<usize>j << 2)));
}

// @ts-ignore: decorator
@inline function put(p: usize, j: i32, v: v128): void {
  store<f32>(p + (<usize>j << 2), f32x4.extract_lane(v, 0));
}

// @ts-ignore: decorator
@inline function oneMinus(v: v128): v128 {
  return f32x4.sub(f32x4.splat(1), v);
}

/** h, c' [B, H] from gates [B, 4H] and c [B, H]. */
export function lstmCell(gates: usize, c: usize, h: usize, cNext: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const g = gates + (<usize>(b * 4 * H) << 2), cb = c + (<usize>(b * H) << 2);
    const hb = h + (<usize>(b * H) << 2), nb = cNext + (<usize>(b * H) << 2);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const i = vsigmoid(ld(g, j)), f = vsigmoid(ld(g, H + j)), gg = vtanh(ld(g, 2 * H + j)), o = vsigmoid(ld(g, 3 * H + j));
      const cn = f32x4.add(f32x4.mul(f, ld(cb, j)), f32x4.mul(i, gg));
      st(nb, j, cn);
      st(hb, j, f32x4.mul(o, vtanh(cn)));
    }
    for (; j < H; j++) {
      const i = vsigmoid(one(g, j)), f = vsigmoid(one(g, H + j)), gg = vtanh(one(g, 2 * H + j)), o = vsigmoid(one(g, 3 * H + j));
      const cn = f32x4.add(f32x4.mul(f, one(cb, j)), f32x4.mul(i, gg));
      put(nb, j, cn);
      put(hb, j, f32x4.mul(o, vtanh(cn)));
    }
  }
}

// @ts-ignore: decorator
@inline function lstmBack(g: usize, cb: usize, dhb: usize, dcb: usize, dg: usize, dcOut: usize, H: i32, j: i32, vector: bool): void {
  const i = vsigmoid(vector ? ld(g, j) : one(g, j));
  const f = vsigmoid(vector ? ld(g, H + j) : one(g, H + j));
  const gg = vtanh(vector ? ld(g, 2 * H + j) : one(g, 2 * H + j));
  const o = vsigmoid(vector ? ld(g, 3 * H + j) : one(g, 3 * H + j));
  const cv = vector ? ld(cb, j) : one(cb, j);
  const dh = vector ? ld(dhb, j) : one(dhb, j);
  const tc = vtanh(f32x4.add(f32x4.mul(f, cv), f32x4.mul(i, gg)));
  const dc = f32x4.add(vector ? ld(dcb, j) : one(dcb, j), f32x4.mul(f32x4.mul(dh, o), oneMinus(f32x4.mul(tc, tc))));
  const di = f32x4.mul(f32x4.mul(dc, gg), f32x4.mul(i, oneMinus(i)));
  const df = f32x4.mul(f32x4.mul(dc, cv), f32x4.mul(f, oneMinus(f)));
  const dgg = f32x4.mul(f32x4.mul(dc, i), oneMinus(f32x4.mul(gg, gg)));
  const dO = f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(o, oneMinus(o)));
  if (vector) {
    st(dg, j, di); st(dg, H + j, df); st(dg, 2 * H + j, dgg); st(dg, 3 * H + j, dO); st(dcOut, j, f32x4.mul(dc, f));
  } else {
    put(dg, j, di); put(dg, H + j, df); put(dg, 2 * H + j, dgg); put(dg, 3 * H + j, dO); put(dcOut, j, f32x4.mul(dc, f));
  }
}

/** dgates [B, 4H], dc [B, H] from gates, c and the cotangents dh, dc' of the LSTM step. */
export function lstmCellBackward(gates: usize, c: usize, dh: usize, dcNext: usize, dgates: usize, dc: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * H) << 2, grow = <usize>(b * 4 * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmBack(gates + grow, c + row, dh + row, dcNext + row, dgates + grow, dc + row, H, j, true);
    for (; j < H; j++) lstmBack(gates + grow, c + row, dh + row, dcNext + row, dgates + grow, dc + row, H, j, false);
  }
}

// @ts-ignore: decorator
@inline function gruStep(x: usize, hp: usize, hb: usize, out: usize, H: i32, j: i32, vector: bool): void {
  const r = vsigmoid(f32x4.add(vector ? ld(x, j) : one(x, j), vector ? ld(hp, j) : one(hp, j)));
  const z = vsigmoid(f32x4.add(vector ? ld(x, H + j) : one(x, H + j), vector ? ld(hp, H + j) : one(hp, H + j)));
  const n = vtanh(f32x4.add(vector ? ld(x, 2 * H + j) : one(x, 2 * H + j), f32x4.mul(r, vector ? ld(hp, 2 * H + j) : one(hp, 2 * H + j))));
  const y = f32x4.add(f32x4.mul(oneMinus(z), n), f32x4.mul(z, vector ? ld(hb, j) : one(hb, j)));
  if (vector) st(out, j, y);
  else put(out, j, y);
}

/** h' [B, H] from the input projection xp [B, 3H], the state projection hp [B, 3H] and h [B, H]. */
export function gruCell(xp: usize, hp: usize, h: usize, out: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * H) << 2, grow = <usize>(b * 3 * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) gruStep(xp + grow, hp + grow, h + row, out + row, H, j, true);
    for (; j < H; j++) gruStep(xp + grow, hp + grow, h + row, out + row, H, j, false);
  }
}

// @ts-ignore: decorator
@inline function gruBack(x: usize, hp: usize, hb: usize, dhb: usize, dx: usize, dhp: usize, ds: usize, H: i32, j: i32, vector: bool): void {
  const r = vsigmoid(f32x4.add(vector ? ld(x, j) : one(x, j), vector ? ld(hp, j) : one(hp, j)));
  const z = vsigmoid(f32x4.add(vector ? ld(x, H + j) : one(x, H + j), vector ? ld(hp, H + j) : one(hp, H + j)));
  const hn = vector ? ld(hp, 2 * H + j) : one(hp, 2 * H + j);
  const n = vtanh(f32x4.add(vector ? ld(x, 2 * H + j) : one(x, 2 * H + j), f32x4.mul(r, hn)));
  const d = vector ? ld(dhb, j) : one(dhb, j);
  const dan = f32x4.mul(f32x4.mul(d, oneMinus(z)), oneMinus(f32x4.mul(n, n)));
  const dar = f32x4.mul(f32x4.mul(dan, hn), f32x4.mul(r, oneMinus(r)));
  const daz = f32x4.mul(f32x4.mul(d, f32x4.sub(vector ? ld(hb, j) : one(hb, j), n)), f32x4.mul(z, oneMinus(z)));
  const dhn = f32x4.mul(dan, r), dsv = f32x4.mul(d, z);
  if (vector) {
    st(dx, j, dar); st(dx, H + j, daz); st(dx, 2 * H + j, dan);
    st(dhp, j, dar); st(dhp, H + j, daz); st(dhp, 2 * H + j, dhn);
    st(ds, j, dsv);
  } else {
    put(dx, j, dar); put(dx, H + j, daz); put(dx, 2 * H + j, dan);
    put(dhp, j, dar); put(dhp, H + j, daz); put(dhp, 2 * H + j, dhn);
    put(ds, j, dsv);
  }
}

/** dxp, dhp [B, 3H] and dh [B, H] from xp, hp, h and the cotangent of h'. */
export function gruCellBackward(xp: usize, hp: usize, h: usize, dhNext: usize, dxp: usize, dhp: usize, dh: usize, B: i32, H: i32): void {
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * H) << 2, grow = <usize>(b * 3 * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) gruBack(xp + grow, hp + grow, h + row, dhNext + row, dxp + grow, dhp + grow, dh + row, H, j, true);
    for (; j < H; j++) gruBack(xp + grow, hp + grow, h + row, dhNext + row, dxp + grow, dhp + grow, dh + row, H, j, false);
  }
}

// IndRNN: h' = f(xp + u ⊙ h), f relu (tanh = 0) or tanh (tanh = 1); u [H].

// @ts-ignore: decorator
@inline function indAct(a: v128, tanh: bool): v128 {
  return tanh ? vtanh(a) : f32x4.max(a, f32x4.splat(0));
}

/** h' [B, H] from xp [B, H], u [H] and h [B, H]. */
export function indRnnCell(xp: usize, u: usize, h: usize, out: usize, B: i32, H: i32, tanh: bool): void {
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) st(out + row, j, indAct(f32x4.add(ld(xp + row, j), f32x4.mul(ld(u, j), ld(h + row, j))), tanh));
    for (; j < H; j++) put(out + row, j, indAct(f32x4.add(one(xp + row, j), f32x4.mul(one(u, j), one(h + row, j))), tanh));
  }
}

// @ts-ignore: decorator
@inline function indBack(x: usize, u: usize, hb: usize, dhb: usize, dx: usize, du: usize, dh: usize, j: i32, tanh: bool, vector: bool): void {
  const uv = vector ? ld(u, j) : one(u, j), hv = vector ? ld(hb, j) : one(hb, j);
  const a = f32x4.add(vector ? ld(x, j) : one(x, j), f32x4.mul(uv, hv));
  const d = vector ? ld(dhb, j) : one(dhb, j);
  let da: v128;
  if (tanh) {
    const y = vtanh(a);
    da = f32x4.mul(d, oneMinus(f32x4.mul(y, y)));
  } else {
    da = v128.and(d, f32x4.gt(a, f32x4.splat(0)));
  }
  const duv = f32x4.add(vector ? ld(du, j) : one(du, j), f32x4.mul(da, hv));
  if (vector) {
    st(dx, j, da); st(du, j, duv); st(dh, j, f32x4.mul(da, uv));
  } else {
    put(dx, j, da); put(du, j, duv); put(dh, j, f32x4.mul(da, uv));
  }
}

/** dxp [B, H], du [H] (summed over the batch) and dh [B, H] from the cotangent dhNext of the IndRNN step. */
export function indRnnCellBackward(xp: usize, u: usize, h: usize, dhNext: usize, dxp: usize, du: usize, dh: usize, B: i32, H: i32, tanh: bool): void {
  memory.fill(du, 0, <usize>H << 2);
  for (let b = 0; b < B; b++) {
    const row = <usize>(b * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) indBack(xp + row, u, h + row, dhNext + row, dxp + row, du, dh + row, j, tanh, true);
    for (; j < H; j++) indBack(xp + row, u, h + row, dhNext + row, dxp + row, du, dh + row, j, tanh, false);
  }
}
