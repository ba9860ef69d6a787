import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { type DType, getBackend, NNError, type Tensor } from '../src/index.js';

/**
 * 10,000 random calls of the public creation and op API, with random
 * shapes (empty dims, mismatches, rank 0 to 3), dtypes and attributes
 * (valid and not). Every call must either return tensors or throw one of
 * nn's typed errors, and finite input must never give a NaN silently. The
 * file runs once per backend (cpu, and the "suites on wasm" project).
 */

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
/** A dtype, weighted towards float32, with the odd unknown one. */
const dtypeArb = fc.oneof({ weight: 6, arbitrary: fc.constant<DType>('float32') }, { weight: 3, arbitrary: fc.constantFrom<DType>(...DTYPES) }, { weight: 1, arbitrary: fc.constantFrom('float16', 'int8', '') as fc.Arbitrary<DType> });
const axisArb = fc.integer({ min: -4, max: 4 });
const smallInt = fc.integer({ min: -3, max: 6 });

/** Input values: small, finite, never 0 (so that division and log stay defined where they should). */
function values(n: number, seed: number, positive: boolean): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = ((s >>> 8) % 13) / 2 - 3; // -3 .. 3 in halves
    const nonZero = v === 0 ? 0.5 : v;
    return positive ? Math.abs(nonZero) : nonZero;
  });
}

/** A tensor of a random shape and dtype; valid dtypes only (bad dtypes are tried on creation). */
const tensorArb = (positive = false) =>
  fc.record({ shape: shapeArb, dtype: fc.constantFrom<DType>('float32', 'float32', 'float32', 'int32', 'bool', 'float64'), seed: fc.integer() }).map(({ shape, dtype, seed }) => ({ shape, dtype, seed, positive }));

type TensorSpec = { shape: number[]; dtype: DType; seed: number; positive: boolean };
/** The inputs made for the current call, for the failure message. */
let trail: string[] = [];
const make = ({ shape, dtype, seed, positive }: TensorSpec): Tensor => {
  const size = shape.reduce((a, b) => a * b, 1);
  made.push(() => Array.from(t.dataSync()).join(','));
  trail.push(`${dtype}${nn.fmtShape(shape)} = [${values(Math.min(size, 12), seed, positive).join(', ')}${size > 12 ? ', ...' : ''}]`);
  // Integer inputs are rounded away from 0, so they stay non-zero too.
  const raw = values(size, seed, positive);
  const t = nn.tensor(dtype === 'int32' ? raw.map((v) => Math.sign(v) * Math.ceil(Math.abs(v))) : raw, shape, dtype);
  return t;
};
let made: (() => string)[] = [];
const recent: string[] = [];

/** One API call: a name, and a thunk that makes its inputs and runs it. */
type Call = { op: string; run: () => Tensor | Tensor[] | void };

const UNARY = ['exp', 'sin', 'cos', 'tanh', 'sigmoid', 'neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'logicalNot', 'square'] as const;
const POSITIVE_UNARY = ['log', 'sqrt', 'rsqrt'] as const;
const BINARY = ['add', 'sub', 'mul', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'] as const;
const REDUCE = ['sum', 'max', 'min', 'mean', 'logsumexp'] as const;

const callArb: fc.Arbitrary<Call> = fc.oneof(
  // Creation, with good and bad shapes, dtypes and arguments.
  fc.record({ shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5, NaN, 1e6)), { maxLength: 3 }), dtype: dtypeArb, kind: fc.constantFrom('zeros', 'ones', 'rand', 'randn') }).map(({ shape, dtype, kind }) => ({
    op: kind,
    run: () => (kind === 'zeros' ? nn.zeros(shape, dtype) : kind === 'ones' ? nn.ones(shape, dtype) : kind === 'rand' ? nn.rand(shape, { dtype }) : nn.randn(shape, { dtype })),
  })),
  fc.record({ shape: shapeArb, value: fc.double({ min: -10, max: 10, noNaN: true }), dtype: dtypeArb }).map(({ shape, value, dtype }) => ({ op: 'full', run: () => nn.full(shape, value, dtype) })),
  fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 20, noNaN: true }), fc.oneof(fc.constant(1), fc.double({ min: -2, max: 2, noNaN: true }))).map(([a, b, step]) => ({ op: 'arange', run: () => nn.arange(a, b, step) })),
  fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.integer({ min: -2, max: 9 })).map(([a, b, n]) => ({ op: 'linspace', run: () => nn.linspace(a, b, n) })),
  fc.tuple(smallInt, smallInt).map(([n, m]) => ({ op: 'eye', run: () => nn.eye(n, m) })),
  fc.tuple(smallInt, smallInt, shapeArb).map(([lo, hi, shape]) => ({ op: 'randint', run: () => nn.randint(lo, hi, shape) })),
  // Elementwise.
  fc.tuple(fc.constantFrom(...UNARY), tensorArb()).map(([op, x]) => ({ op, run: () => (nn[op] as (t: Tensor) => Tensor)(make(x)) })),
  fc.tuple(fc.constantFrom(...POSITIVE_UNARY), tensorArb(true)).map(([op, x]) => ({ op, run: () => (nn[op] as (t: Tensor) => Tensor)(make(x)) })),
  fc.tuple(fc.constantFrom(...BINARY), tensorArb(), tensorArb()).map(([op, a, b]) => ({ op, run: () => (nn[op] as (a: Tensor, b: Tensor) => Tensor)(make(a), make(b)) })),
  fc.tuple(tensorArb(), tensorArb()).map(([a, b]) => ({ op: 'div', run: () => nn.div(make(a), make(b)) })),
  fc.tuple(tensorArb(true), tensorArb()).map(([a, b]) => ({ op: 'pow', run: () => nn.pow(make(a), make(b)) })),
  fc.tuple(tensorArb(), tensorArb(), tensorArb()).map(([c, a, b]) => ({ op: 'where', run: () => nn.where(make(c), make(a), make(b)) })),
  // Reductions, with good and bad axes.
  fc.tuple(fc.constantFrom(...REDUCE), tensorArb(), fc.option(axisArb), fc.boolean()).map(([op, x, axis, keep]) => ({ op, run: () => (nn[op] as (t: Tensor, a?: number, k?: boolean) => Tensor)(make(x), axis ?? undefined, keep) })),
  fc.tuple(fc.constantFrom('argmax', 'argmin') as fc.Arbitrary<'argmax' | 'argmin'>, tensorArb(), fc.option(axisArb)).map(([op, x, axis]) => ({ op, run: () => nn[op](make(x), axis ?? undefined) })),
  fc.tuple(fc.constantFrom('cumsum', 'cumprod') as fc.Arbitrary<'cumsum' | 'cumprod'>, tensorArb(), axisArb).map(([op, x, axis]) => ({ op, run: () => nn[op](make(x), axis) })),
  // Linear algebra and layout.
  fc.tuple(tensorArb(), tensorArb(), fc.boolean(), fc.boolean()).map(([a, b, ta, tb]) => ({ op: 'matmul', run: () => nn.matmul(make(a), make(b), { transposeA: ta, transposeB: tb }) })),
  fc.tuple(tensorArb(), fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 3 })).map(([x, shape]) => ({ op: 'reshape', run: () => nn.reshape(make(x), shape) })),
  fc.tuple(tensorArb(), fc.array(axisArb, { maxLength: 3 })).map(([x, dims]) => ({ op: 'permute', run: () => nn.permute(make(x), dims) })),
  fc.tuple(tensorArb(), axisArb, axisArb).map(([x, a, b]) => ({ op: 'transpose', run: () => nn.transpose(make(x), a, b) })),
  fc.tuple(tensorArb(), fc.array(fc.option(fc.integer({ min: -5, max: 5 })), { maxLength: 3 }), fc.array(fc.option(fc.integer({ min: -5, max: 5 })), { maxLength: 3 }), fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 })).map(([x, b, e, s]) => ({
    op: 'slice',
    run: () => nn.slice(make(x), b, e, s),
  })),
  fc.tuple(fc.array(tensorArb(), { minLength: 1, maxLength: 3 }), axisArb).map(([xs, axis]) => ({ op: 'concat', run: () => nn.concat(xs.map(make), axis) })),
  fc.tuple(fc.array(tensorArb(), { minLength: 1, maxLength: 3 }), axisArb).map(([xs, axis]) => ({ op: 'stack', run: () => nn.stack(xs.map(make), axis) })),
  fc.tuple(tensorArb(), fc.array(fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: -1, max: 2 })), { maxLength: 3 })).map(([x, pads]) => ({ op: 'pad', run: () => nn.pad(make(x), pads) })),
  fc.tuple(tensorArb(), fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }), axisArb).map(([x, idx, axis]) => ({ op: 'gather', run: () => nn.gather(make(x), idx, axis) })),
  fc.tuple(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }), fc.integer({ min: -1, max: 5 })).map(([idx, depth]) => ({ op: 'oneHot', run: () => nn.oneHot(idx, depth) })),
  fc.tuple(tensorArb(), dtypeArb).map(([x, dtype]) => ({ op: 'cast', run: () => nn.cast(make(x), dtype) })),
  fc.tuple(tensorArb(), shapeArb).map(([x, shape]) => ({ op: 'broadcastTo', run: () => nn.broadcastTo(make(x), shape) })),
);

/** Ops whose result may be NaN from finite input by definition: the mean of nothing is 0/0 (as in PyTorch). */
const nanAllowed = (op: string, out: Tensor) => op === 'mean' && out.size > 0;

describe(`fuzzing the public API (${getBackend()})`, () => {
  it('10,000 random calls: typed errors or results, and no NaN from finite input', () => {
    const seen = new Map<string, { ok: number; refused: number }>();
    fc.assert(
      fc.property(callArb, (call) => {
        let result: Tensor | Tensor[] | void;
        const tally = seen.get(call.op) ?? { ok: 0, refused: 0 };
        seen.set(call.op, tally);
        if (trail.length) recent.push(`${call.op}`);
        trail = [];
        made = [];
        try {
          result = nn.tidy(() => {
            const r = call.run();
            // Read the values inside the scope: a backend fails here if anywhere.
            for (const t of Array.isArray(r) ? r : r ? [r] : []) {
              const data = t.dataSync();
              if (nn.isFloat(t.dtype) && !nanAllowed(call.op, t) && Array.prototype.some.call(data, (v: number) => Number.isNaN(v))) {
                throw new Error(`${call.op} gave NaN from finite input: output ${nn.fmtShape(t.shape)} ${t.dtype} ${Array.from(data).join(',')} inputs ${made.map((f) => f()).join(' | ')} after ${recent.length}: ${recent.slice(-15).join(' ')}`);
              }
            }
            return undefined;
          });
          tally.ok++;
        } catch (e) {
          // A BackendError here is a kernel failing on input that the op's checks let through: a defect.
          if (!(e instanceof NNError) || e instanceof nn.BackendError) throw new Error(`${call.op}(${trail.join('; ')}): ${(e as Error).message}`, { cause: e });
          // A typed error names its op.
          expect(e.message.length).toBeGreaterThan(10);
          tally.refused++;
        }
        return result === undefined;
      }),
      { numRuns: 10_000, seed: Number(process.env.NN_FUZZ_SEED ?? 20261202), endOnFailure: true },
    );
    // Every kind of call was made, and most kinds both succeeded and were refused at times.
    expect(seen.size).toBeGreaterThan(40);
    const total = [...seen.values()].reduce((a, t) => a + t.ok + t.refused, 0);
    expect(total).toBe(10_000);
    expect([...seen.values()].reduce((a, t) => a + t.ok, 0)).toBeGreaterThan(3000);
  }, 300_000);
});
