import { describe, expect, it } from 'vitest';
import type { Tensor } from '@nn/tensor';
import { assertConformance, inputs } from '@nn/testing';
import * as A from '../src/index.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const softplusRef = (v: number) => Math.log1p(Math.exp(v));
const erfRef: Record<number, number> = { [-2.5]: -0.999593047982555, [-1.2]: -0.9103139782296353, [-0.3]: -0.3286267594591274, 0.4: 0.42839235504666845, 1.7: 0.9837904585907746, 3: 0.9999779095030014 };
const PHI = (v: number) => 0.5 * (1 + erfRef[v / Math.SQRT2]!);
const SELU_A = 1.6732632423543772, SELU_L = 1.0507009873554805;

/** Points away from every kink (0, ±1, ±3 for the hard functions). */
const points = [-2.5, -1.2, -0.3, 0.4, 1.7, 3.4];

const elementwise: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
  ['linear', A.linear, (v) => v],
  ['ramp', (x) => A.ramp(x), (v) => Math.min(Math.max(v, 0), 1)],
  ['ramp [-2, 2]', (x) => A.ramp(x, -2, 2), (v) => Math.min(Math.max(v, -2), 2)],
  ['hardtanh', (x) => A.hardtanh(x), (v) => Math.min(Math.max(v, -1), 1)],
  ['step', (x) => A.step(x), (v) => (v > 0 ? 1 : 0)],
  ['sign', (x) => A.sign(x), Math.sign],
  ['sigmoid', A.sigmoid, sig],
  ['tanh', A.tanh, Math.tanh],
  ['relu', A.relu, (v) => Math.max(v, 0)],
  ['leakyRelu 0.1', (x) => A.leakyRelu(x, 0.1), (v) => (v > 0 ? v : 0.1 * v)],
  ['elu', (x) => A.elu(x), (v) => (v > 0 ? v : Math.expm1(v))],
  ['elu α=0.5', (x) => A.elu(x, 0.5), (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
  ['selu', A.selu, (v) => SELU_L * (v > 0 ? v : SELU_A * Math.expm1(v))],
  ['hardSigmoid', (x) => A.hardSigmoid(x), (v) => Math.min(Math.max(v / 6 + 0.5, 0), 1)],
  ['softplus', (x) => A.softplus(x), softplusRef],
  ['softplus β=2', (x) => A.softplus(x, { beta: 2 }), (v) => Math.log1p(Math.exp(2 * v)) / 2],
  ['silu', (x) => A.silu(x), (v) => v * sig(v)],
  ['mish', A.mish, (v) => v * Math.tanh(softplusRef(v))],
  ['celu', (x) => A.celu(x), (v) => (v > 0 ? v : Math.expm1(v))],
  ['celu α=2', (x) => A.celu(x, 2), (v) => (v > 0 ? v : 2 * Math.expm1(v / 2))],
  ['hardswish', A.hardswish, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
  ['logsigmoid', A.logsigmoid, (v) => Math.log(sig(v))],
  ['softsign', A.softsign, (v) => v / (1 + Math.abs(v))],
  ['tanhshrink', A.tanhshrink, (v) => v - Math.tanh(v)],
  ['softshrink', (x) => A.softshrink(x), (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0)],
  ['softshrink λ=1.5', (x) => A.softshrink(x, 1.5), (v) => (v > 1.5 ? v - 1.5 : v < -1.5 ? v + 1.5 : 0)],
  ['hardshrink', (x) => A.hardshrink(x), (v) => (Math.abs(v) > 0.5 ? v : 0)],
  ['threshold', (x) => A.threshold(x, 1, -7), (v) => (v > 1 ? v : -7)],
  ['gelu (tanh)', (x) => A.gelu(x, { approximate: 'tanh' }), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
];

describe('every activation: values equal the formula, gradients check, every backend agrees', () => {
  for (const [name, fn, reference] of elementwise) {
    it(name, () => {
      assertConformance({ name, fn, cases: [{ inputs: inputs(points), reference }] });
    });
  }

  it('glu: a·σ(b) over the halves of a dim', () => {
    assertConformance({
      name: 'glu',
      fn: (x) => A.glu(x),
      cases: [{ inputs: inputs([[1, -2, 0.5, 3], [0, 4, -1, -0.5]]), expected: [[1 * sig(0.5), -2 * sig(3)], [0, 4 * sig(-0.5)]] }],
    });
    assertConformance({ name: 'glu dim 0', fn: (x) => A.glu(x, 0), cases: [{ inputs: inputs([[1, -2], [0.5, 3]]), expected: [[sig(0.5), -2 * sig(3)]] }] });
    expect(() => A.glu(A.linear(inputs([[1, 2, 3]])()[0]!))).toThrow(/glu: dim 1 of input \[1,3\] has size 3, which must be even/);
  });

  it('logsigmoid is finite far out; the shrinks and threshold pass infinities through', () => {
    const far = inputs([-1000, 1000, -Infinity, Infinity])()[0]!;
    expect(A.logsigmoid(far.index([0, 2])).toArray()).toEqual([-1000, 0]);
    expect(A.softshrink(far).toArray()).toEqual([-999.5, 999.5, -Infinity, Infinity]);
    expect(A.threshold(far, 0, 5).toArray()).toEqual([5, 1000, 5, Infinity]);
  });

  it('erf and exact gelu', () => {
    const xs = [-2.5, -1.2, -0.3, 0.4, 1.7, 3];
    assertConformance({ name: 'erf', fn: (x) => A.erf(x), cases: [{ inputs: inputs(xs), expected: xs.map((v) => erfRef[v]!) }], tolerance: 1e-9 });
    const gx = [-1.2 * Math.SQRT2, 0.4 * Math.SQRT2, 3 * Math.SQRT2];
    assertConformance({ name: 'gelu', fn: (x) => A.gelu(x), cases: [{ inputs: inputs(gx), expected: gx.map((v) => v * PHI(v)) }], tolerance: 1e-9 });
  });

  it('prelu (shared and per channel), mpelu, crelu, maxout', () => {
    assertConformance({
      name: 'prelu per channel',
      fn: (x, a) => A.prelu(x, a),
      cases: [{ inputs: inputs([[-1, 2, -3], [4, -5, 0.5]], [0.1, 0.2, 0.3]), expected: [[-0.1, 2, -0.9], [4, -1, 0.5]] }],
    });
    assertConformance({
      name: 'mpelu',
      fn: (x, a, b) => A.mpelu(x, a, b),
      cases: [{ inputs: inputs([[-1, 2], [-0.5, 3]], [0.5, 2], [2, 0.5]), expected: [[0.5 * Math.expm1(-2), 2], [0.5 * Math.expm1(-1), 3]] }],
    });
    assertConformance({
      name: 'crelu',
      fn: (x) => A.crelu(x),
      cases: [{ inputs: inputs([[-1, 2]]), expected: [[0, 2, 1, 0]] }],
    });
    assertConformance({
      name: 'maxout k=2',
      fn: (x) => A.maxout(x, 2),
      cases: [{ inputs: inputs([[1, 5, -2, -3]]), expected: [[5, -2]] }],
    });
  });

  it('softmax and log-softmax over any axis', () => {
    const x = [[1, 2, 3], [0.5, -1, 4]];
    const soft = (row: number[]) => row.map((v) => Math.exp(v) / row.reduce((s, w) => s + Math.exp(w), 0));
    assertConformance({ name: 'softmax', fn: (t) => A.softmax(t), cases: [{ inputs: inputs(x), expected: x.map(soft) }] });
    const cols = [soft([1, 0.5]), soft([2, -1]), soft([3, 4])];
    assertConformance({ name: 'softmax axis 0', fn: (t) => A.softmax(t, 0), cases: [{ inputs: inputs(x), expected: [cols.map((c) => c[0]!), cols.map((c) => c[1]!)] }] });
    assertConformance({ name: 'logSoftmax', fn: (t) => A.logSoftmax(t, 1), cases: [{ inputs: inputs(x), expected: x.map((r) => soft(r).map(Math.log)) }] });
  });
});

describe('metadata', () => {
  it('every function carries formula, range and saturation', () => {
    expect(A.activationInfo('tanh').saturation).toEqual({ left: 'soft', right: 'soft' });
    expect(A.activationInfo('relu').saturation).toEqual({ left: 'hard', right: 'none' });
    expect(A.activationInfo('sigmoid').range).toEqual([0, 1]);
    expect(A.activationInfo('step').derivative).toMatch(/0 almost everywhere/);
    expect(A.activationInfo('prelu').learnable).toEqual(['a']);
    expect(A.activationInfo('rrelu').stochastic).toBe(true);
    for (const info of Object.values(A.CATALOG)) expect(info.formula.length).toBeGreaterThan(5);
    expect(() => A.activationInfo('nope')).toThrow(/unknown activation 'nope'/);
  });
});
