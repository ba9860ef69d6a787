// Elementwise f32 kernels. Contiguous operands run four lanes at a time; a
// scalar operand (stride 0) is splatted once. Other strides take the scalar
// loop. The caller (TypeScript) walks broadcast plans row by row.
import { vexp, vsigmoid, vtanh } from './vmath';

export const NEG = 0, ABS = 1, SQRT = 2, RSQRT = 3, RELU = 4, FLOOR = 5, CEIL = 6, ROUND = 7;
export const EXP = 8, SIGMOID = 9, TANH = 10, LEAKY_RELU = 11, ELU = 12, GELU_TANH = 13, GELU_ERF = 14;
// scalar only
export const LOG = 15, SIN = 16, COS = 17, SIGN = 18;

// erf(x) with relative error below 1.2e-7 (Numerical Recipes' Chebyshev-fitted erfc), four lanes.
// @ts-ignore: decorator
@inline function verf(x: v128): v128 {
  const z = f32x4.abs(x);
  const one = f32x4.splat(1);
  const t = f32x4.div(one, f32x4.add(one, f32x4.mul(f32x4.splat(0.5), z)));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const erfc = f32x4.mul(t, vexp(f32x4.sub(p, f32x4.mul(z, z))));
  const r = f32x4.sub(one, erfc);
  // copy the sign of x
  return v128.or(r, v128.and(x, i32x4.splat(0x80000000)));
}

// @ts-ignore: decorator
@inline function unaryVec(op: i32, v: v128, p: f32): v128 {
  switch (op) {
    case NEG: return f32x4.neg(v);
    case ABS: return f32x4.abs(v);
    case SQRT: return f32x4.sqrt(v);
    case RSQRT: return f32x4.div(f32x4.splat(1), f32x4.sqrt(v));
    case RELU: return f32x4.pmax(v, f32x4.splat(0));
    case FLOOR: return f32x4.floor(v);
    case CEIL: return f32x4.ceil(v);
    case ROUND: return f32x4.nearest(v);
    case EXP: return vexp(v);
    case SIGMOID: return vsigmoid(v);
    case TANH: return vtanh(v);
    case LEAKY_RELU: return v128.bitselect(v, f32x4.mul(v, f32x4.splat(p)), f32x4.gt(v, f32x4.splat(0)));
    case ELU: return v128.bitselect(v, f32x4.mul(f32x4.splat(p), f32x4.sub(vexp(v), f32x4.splat(1))), f32x4.gt(v, f32x4.splat(0)));
    case GELU_TANH: {
      // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
      const inner = f32x4.mul(f32x4.splat(0.7978845608), f32x4.add(v, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(v, f32x4.mul(v, v)))));
      return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), vtanh(inner)));
    }
    default: // GELU_ERF: 0.5 x (1 + erf(x / √2))
      return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), verf(f32x4.mul(v, f32x4.splat(0.70710678)))));
  }
}

function unaryScalar(op: i32, x: f32): f32 {
  switch (op) {
    case LOG: return Mathf.log(x);
    case SIN: return Mathf.sin(x);
    case COS: return Mathf.cos(x);
    default: return x > 0 ? 1 : x < 0 ? -1 : x; // SIGN: keeps ±0 and NaN
  }
}

// The vector loop of one unary op: inlined at each call below with a constant
// `op`, so the switch in unaryVec folds away and each op gets its own loop.
// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, o: usize, n: i32, p: f32): i32 {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(op, v128.load(x + (<usize>i << 2)), p));
  return i;
}

/** o[i] = f(x[i]) for i < n; `p` is the op's parameter (leaky ReLU's slope, ELU's alpha). */
export function unary(op: i32, x: usize, o: usize, n: i32, p: f32): void {
  if (op >= LOG) {
    for (let i = 0; i < n; i++) store<f32>(o + (<usize>i << 2), unaryScalar(op, load<f32>(x + (<usize>i << 2))));
    return;
  }
  let i = 0;
  switch (op) {
    case NEG: i = unaryLoop(NEG, x, o, n, p); break;
    case ABS: i = unaryLoop(ABS, x, o, n, p); break;
    case SQRT: i = unaryLoop(SQRT, x, o, n, p); break;
    case RSQRT: i = unaryLoop(RSQRT, x, o, n, p); break;
    case RELU: i = unaryLoop(RELU, x, o, n, p); break;
    case FLOOR: i = unaryLoop(FLOOR, x, o, n, p); break;
    case CEIL: i = unaryLoop(CEIL, x, o, n, p); break;
    case ROUND: i = unaryLoop(ROUND, x, o, n, p); break;
    case EXP: i = unaryLoop(EXP, x, o, n, p); break;
    case SIGMOID: i = unaryLoop(SIGMOID, x, o, n, p); break;
    case TANH: i = unaryLoop(TANH, x, o, n, p); break;
    case LEAKY_RELU: i = unaryLoop(LEAKY_RELU, x, o, n, p); break;
    case ELU: i = unaryLoop(ELU, x, o, n, p); break;
    case GELU_TANH: i = unaryLoop(GELU_TANH, x, o, n, p); break;
    default: i = unaryLoop(GELU_ERF, x, o, n, p);
  }
  if (i < n) {
    // The tail goes through the vector path too (one lane-padded vector), so
    // every element gets the same arithmetic.
    const rest = n - i;
    const src = x + (<usize>i << 2), q = o + (<usize>i << 2);
    let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(src));
    if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(src, 4));
    if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(src, 8));
    v = unaryVec(op, v, p);
    store<f32>(q, f32x4.extract_lane(v, 0));
    if (rest > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
    if (rest > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
  }
}

export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, POW = 6, RELU_GRAD = 7;

// @ts-ignore: decorator
@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
    // a where b > 0, else 0 (relu's gradient: a = dy, b = x)
    case RELU_GRAD: return v128.and(a, f32x4.gt(b, f32x4.splat(0)));
    default: return f32x4.min(a, b);
  }
}

function binaryScalar(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case MAX: return a > b || a != a ? a : b;
    case MIN: return a < b || a != a ? a : b;
    case RELU_GRAD: return b > 0 ? a : 0;
    default: return <f32>Math.pow(<f64>a, <f64>b);
  }
}

// The vector loops of one binary op over contiguous or scalar operands,
// inlined with a constant `op` (see unaryLoop). Returns the elements done.
// @ts-ignore: decorator
@inline function binaryLoop(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): i32 {
  let k = 0;
  if (as == 1 && bs == 1) {
    for (; k + 4 <= n; k += 4) {
      const off = <usize>k << 2;
      v128.store(o + off, binaryVec(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (as == 1 && bs == 0) {
    const vb = v128.load32_splat(b);
    for (; k + 4 <= n; k += 4) {
      const off = <usize>k << 2;
      v128.store(o + off, binaryVec(op, v128.load(a + off), vb));
    }
  } else if (as == 0 && bs == 1) {
    const va = v128.load32_splat(a);
    for (; k + 4 <= n; k += 4) {
      const off = <usize>k << 2;
      v128.store(o + off, binaryVec(op, va, v128.load(b + off)));
    }
  }
  return k;
}

/** o[k] = f(a[k * as], b[k * bs]) for k < n (strides in elements). */
export function binary(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): void {
  let k = 0;
  switch (op) {
    case ADD: k = binaryLoop(ADD, a, as, b, bs, o, n); break;
    case SUB: k = binaryLoop(SUB, a, as, b, bs, o, n); break;
    case MUL: k = binaryLoop(MUL, a, as, b, bs, o, n); break;
    case DIV: k = binaryLoop(DIV, a, as, b, bs, o, n); break;
    case MAX: k = binaryLoop(MAX, a, as, b, bs, o, n); break;
    case MIN: k = binaryLoop(MIN, a, as, b, bs, o, n); break;
    case RELU_GRAD: k = binaryLoop(RELU_GRAD, a, as, b, bs, o, n); break;
  }
  for (; k < n; k++) {
    const x = load<f32>(a + (<usize>(k * as) << 2));
    const y = load<f32>(b + (<usize>(k * bs) << 2));
    store<f32>(o + (<usize>k << 2), binaryScalar(op, x, y));
  }
}

export const EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;

/** o[k] = a[k * as] (cmp) b[k * bs] as bytes 0/1, for k < n. */
export function compare(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const x = load<f32>(a + (<usize>(k * as) << 2));
    const y = load<f32>(b + (<usize>(k * bs) << 2));
    let r: bool;
    switch (op) {
      case EQ: r = x == y; break;
      case NE: r = x != y; break;
      case LT: r = x < y; break;
      case LE: r = x <= y; break;
      case GT: r = x > y; break;
      default: r = x >= y;
    }
    store<u8>(o + <usize>k, <u8>r);
  }
}
