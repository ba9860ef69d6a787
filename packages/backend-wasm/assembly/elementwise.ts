// Elementwise f32 kernels. Contiguous operands run four lanes at a time; a
// scalar operand (stride 0) is splatted once. Other strides take the scalar
// loop. The caller (TypeScript) walks broadcast plans row by row.
import { vexp, vsigmoid, vtanh } from './vmath';

export const NEG = 0, ABS = 1, SQRT = 2, RSQRT = 3, RELU = 4, FLOOR = 5, CEIL = 6, ROUND = 7;
export const EXP = 8, SIGMOID = 9, TANH = 10, LOG = 11, SIN = 12, COS = 13, SIGN = 14;

// @ts-ignore: decorator
@inline function unaryVec(op: i32, v: v128): v128 {
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
    default: return vtanh(v);
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

/** o[i] = f(x[i]) for i < n. */
export function unary(op: i32, x: usize, o: usize, n: i32): void {
  if (op >= LOG) {
    for (let i = 0; i < n; i++) store<f32>(o + (<usize>i << 2), unaryScalar(op, load<f32>(x + (<usize>i << 2))));
    return;
  }
  let i = 0;
  // The switch is inside the loop but on a loop-invariant value; one loop per
  // op keeps the code small, and branch prediction makes the test free.
  switch (op) {
    case NEG: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(NEG, v128.load(x + (<usize>i << 2)))); break;
    case ABS: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(ABS, v128.load(x + (<usize>i << 2)))); break;
    case SQRT: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(SQRT, v128.load(x + (<usize>i << 2)))); break;
    case RSQRT: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(RSQRT, v128.load(x + (<usize>i << 2)))); break;
    case RELU: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(RELU, v128.load(x + (<usize>i << 2)))); break;
    case FLOOR: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(FLOOR, v128.load(x + (<usize>i << 2)))); break;
    case CEIL: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(CEIL, v128.load(x + (<usize>i << 2)))); break;
    case ROUND: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(ROUND, v128.load(x + (<usize>i << 2)))); break;
    case EXP: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(EXP, v128.load(x + (<usize>i << 2)))); break;
    case SIGMOID: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(SIGMOID, v128.load(x + (<usize>i << 2)))); break;
    default: for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryVec(TANH, v128.load(x + (<usize>i << 2)))); break;
  }
  if (i < n) {
    // The tail goes through the vector path too (one lane-padded vector), so
    // every element gets the same arithmetic.
    const rest = n - i;
    const p = x + (<usize>i << 2), q = o + (<usize>i << 2);
    let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
    if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    v = unaryVec(op, v);
    store<f32>(q, f32x4.extract_lane(v, 0));
    if (rest > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
    if (rest > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
  }
}

export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, POW = 6;

// @ts-ignore: decorator
@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAX: return f32x4.max(a, b);
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
    default: return <f32>Math.pow(<f64>a, <f64>b);
  }
}

/** o[k] = f(a[k * as], b[k * bs]) for k < n (strides in elements). */
export function binary(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): void {
  let k = 0;
  if (op != POW) {
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
