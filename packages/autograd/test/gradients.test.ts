import { describe, expect, it } from 'vitest';
import * as nn from '@nn/tensor';
import { convOps, getEngine, manualSeed, poolOps, rand, randn, tensor, type Tensor } from '@nn/tensor';
import { gradCheck, installAutograd } from '../src/index.js';

manualSeed(7);

/** Inputs away from kinks and poles, so central differences are valid. */
const away = (shape: number[]) => rand(shape, { low: 0.5, high: 2 }).mul(randn(shape).sign().where(randn(shape).ne(0), 1));
const positive = (shape: number[]) => rand(shape, { low: 0.5, high: 2 });

function check(name: string, f: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[], tolerance = 1e-6, eps = 1e-6): void {
  it(name, () => {
    const r = gradCheck(f, inputs(), { tolerance, eps });
    expect(r.maxRelativeError.filter((e) => !Number.isNaN(e)).every((e) => e < tolerance), `${name}: ${JSON.stringify(r)}`).toBe(true);
    expect(r.ok).toBe(true);
  });
}

describe('gradCheck of every unary primitive', () => {
  check('neg', (x) => x.neg(), () => [randn([3, 4])]);
  check('abs', (x) => x.abs(), () => [away([3, 4])]);
  check('exp', (x) => x.exp(), () => [randn([3, 4])]);
  check('log', (x) => x.log(), () => [positive([3, 4])]);
  check('sqrt', (x) => x.sqrt(), () => [positive([3, 4])]);
  check('rsqrt', (x) => x.rsqrt(), () => [positive([3, 4])]);
  check('sin', (x) => x.sin(), () => [randn([3, 4])]);
  check('cos', (x) => x.cos(), () => [randn([3, 4])]);
  check('tanh', (x) => x.tanh(), () => [randn([3, 4])]);
  check('sigmoid', (x) => x.sigmoid(), () => [randn([3, 4])]);
  check('relu', (x) => x.relu(), () => [away([3, 4])]);
  // Step functions: zero gradient away from the jumps.
  check('sign', (x) => x.sign().mul(x), () => [away([5])]);
  check('floor', (x) => x.floor().add(x), () => [tensor([0.3, 1.4, -2.6])]);
  check('ceil', (x) => x.ceil().add(x), () => [tensor([0.3, 1.4, -2.6])]);
  check('round', (x) => x.round().add(x), () => [tensor([0.3, 1.4, -2.6])]);
});

describe('gradCheck of every binary primitive, broadcast cases included', () => {
  const shapes: [number[], number[]][] = [[[3, 4], [3, 4]], [[3, 4], [4]], [[3, 1], [1, 4]], [[2, 3, 4], [3, 1]], [[], [2, 2]]];
  for (const [sa, sb] of shapes) {
    const tag = `[${sa}] with [${sb}]`;
    check(`add ${tag}`, (a, b) => a.add(b), () => [randn(sa), randn(sb)]);
    check(`sub ${tag}`, (a, b) => a.sub(b), () => [randn(sa), randn(sb)]);
    check(`mul ${tag}`, (a, b) => a.mul(b), () => [randn(sa), randn(sb)]);
    check(`div ${tag}`, (a, b) => a.div(b), () => [randn(sa), away(sb)]);
    check(`pow ${tag}`, (a, b) => a.pow(b), () => [positive(sa), randn(sb)]);
    check(`maximum ${tag}`, (a, b) => a.maximum(b), () => [randn(sa), randn(sb)]);
    check(`minimum ${tag}`, (a, b) => a.minimum(b), () => [randn(sa), randn(sb)]);
  }
  check('where with broadcast condition', (a, b) => nn.where(tensor([[true], [false], [true]]), a, b), () => [randn([3, 4]), randn([4])]);
});

describe('gradCheck of reductions', () => {
  for (const axis of [undefined, 0, 1, [0, 2]] as const) {
    const tag = JSON.stringify(axis) ?? 'all';
    check(`sum ${tag}`, (x) => x.sum(axis as number[]), () => [randn([2, 3, 4])]);
    check(`mean ${tag}`, (x) => x.mean(axis as number[]), () => [randn([2, 3, 4])]);
    check(`prod ${tag}`, (x) => x.prod(axis as number[]), () => [away([2, 3, 4])]);
    check(`max ${tag}`, (x) => x.max(axis as number[]), () => [randn([2, 3, 4])]);
    check(`min ${tag}`, (x) => x.min(axis as number[]), () => [randn([2, 3, 4])]);
    check(`logsumexp ${tag}`, (x) => x.logsumexp(axis as number[]), () => [randn([2, 3, 4])]);
  }
  check('sum keepdim', (x) => x.sum(1, true).mul(x), () => [randn([2, 3])]);
  it('max splits the gradient evenly among ties', () => {
    const r = gradCheck((x) => x.max(), [tensor([1, 3, 3])], { eps: 1e-3 });
    expect(r.worst[0]!.analytic === 0.5 || r.worst[0]!.analytic === 0).toBe(true);
  });
});

describe('gradCheck of matmul', () => {
  check('2-D', (a, b) => a.matmul(b), () => [randn([3, 4]), randn([4, 5])]);
  check('transposed operands', (a, b) => nn.matmul(a, b, { transposeA: true, transposeB: true }), () => [randn([4, 3]), randn([5, 4])]);
  check('transposeA only', (a, b) => nn.matmul(a, b, { transposeA: true }), () => [randn([4, 3]), randn([4, 5])]);
  check('transposeB only', (a, b) => nn.matmul(a, b, { transposeB: true }), () => [randn([3, 4]), randn([5, 4])]);
  check('batched with broadcast batch dims', (a, b) => a.matmul(b), () => [randn([2, 1, 3, 4]), randn([3, 4, 2])]);
  check('vector operands', (a, b) => a.matmul(b), () => [randn([4]), randn([4, 3])]);
});

describe('gradCheck of layout and indexing ops', () => {
  const weights = randn([4, 3], { dtype: 'float64' });
  check('reshape', (x) => x.reshape([4, 3]).mul(weights), () => [randn([3, 4])]);
  check('permute', (x) => x.permute([2, 0, 1]), () => [randn([2, 3, 4])]);
  check('broadcastTo', (x) => x.broadcastTo([2, 3, 4]), () => [randn([3, 1])]);
  check('strided slice', (x) => x.index([0, null, 2], [1, 4]), () => [randn([5, 5])]);
  check('concat', (a, b) => nn.concat([a, b, a], 1), () => [randn([2, 3]), randn([2, 1])]);
  check('stack', (a, b) => nn.stack([a, b], 1), () => [randn([2, 3]), randn([2, 3])]);
  check('split', (x) => x.split([1, 3], 1)[1]!.mul(2), () => [randn([2, 4])]);
  check('pad', (x) => x.pad([[1, 2], [0, 1]], 3), () => [randn([2, 3])]);
  check('gather', (x) => x.gather([2, 0, 2, 1], 1), () => [randn([3, 4])]);
  check('scatterAdd', (x, u) => nn.scatterAdd(x, [1, 1, 0], u), () => [randn([3, 2]), randn([3, 2])]);
  check('clone', (x) => x.clone().mul(x), () => [randn([3])]);
  // The function is linear, so a large step is exact up to float32 rounding.
  check('cast float64 to float32 and back', (x) => x.cast('float32').cast('float64').mul(3), () => [randn([3])], 1e-5, 0.5);
});

describe('the gradient table', () => {
  it('has a rule for every differentiable primitive', () => {
    installAutograd();
    const registry = getEngine().registry;
    const missing = registry
      .coverage()
      // the conv and pooling rules are @nn/layers-conv's (its GradientTable checks them, its tests run them)
      .filter((row) => row.kind === 'primitive' && !registry.op(row.op).nondifferentiable && !row.hasGradient && !(row.op in convOps) && !(row.op in poolOps))
      .map((row) => row.op);
    expect(missing).toEqual([]);
  });
});
