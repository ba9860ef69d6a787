import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { tensor, DTypeError, ShapeError } from '../src/index.js';
import { expectTensor } from './helpers.js';

const x = () => tensor([-2, -0.5, 0, 0.5, 2.5]);

describe('unary primitives against hand-checked values', () => {
  const cases: [string, (t: nn.Tensor) => nn.Tensor, number[]][] = [
    ['neg', nn.neg, [2, 0.5, -0, -0.5, -2.5]],
    ['abs', nn.abs, [2, 0.5, 0, 0.5, 2.5]],
    ['sign', nn.sign, [-1, -1, 0, 1, 1]],
    ['exp', nn.exp, [0.135335, 0.606531, 1, 1.648721, 12.182494]],
    ['sin', nn.sin, [-0.909297, -0.479426, 0, 0.479426, 0.598472]],
    ['cos', nn.cos, [-0.416147, 0.877583, 1, 0.877583, -0.801144]],
    ['tanh', nn.tanh, [-0.964028, -0.462117, 0, 0.462117, 0.986614]],
    ['sigmoid', nn.sigmoid, [0.119203, 0.377541, 0.5, 0.622459, 0.924142]],
    ['relu', nn.relu, [0, 0, 0, 0.5, 2.5]],
    ['floor', nn.floor, [-2, -1, 0, 0, 2]],
    ['ceil', nn.ceil, [-2, -0, 0, 1, 3]],
    ['round (half to even)', nn.round, [-2, -0, 0, 0, 2]],
  ];
  for (const [name, f, want] of cases) {
    it(name, () => expectTensor(f(x()), want));
  }

  it('log, sqrt, rsqrt on positive inputs and their edge values', () => {
    const p = tensor([0.25, 1, 4]);
    expectTensor(nn.log(p), [-1.386294, 0, 1.386294]);
    expectTensor(nn.sqrt(p), [0.5, 1, 2]);
    expectTensor(nn.rsqrt(p), [2, 1, 0.5]);
    expectTensor(nn.log(tensor([0, -1])), [-Infinity, NaN]);
  });

  it('sigmoid does not overflow for large inputs', () => {
    expectTensor(nn.sigmoid(tensor([-1000, 1000])), [0, 1]);
  });

  it('integer inputs to float-only ops are computed as float32', () => {
    const r = nn.exp(tensor([0, 1], undefined, 'int32'));
    expect(r.dtype).toBe('float32');
    expectTensor(r, [1, Math.E]);
    expect(nn.abs(tensor([-3], undefined, 'int32')).dtype).toBe('int32');
  });

  it('float64 stays float64', () => {
    expect(nn.tanh(tensor([1], undefined, 'float64')).dtype).toBe('float64');
    expect(nn.tanh(tensor([1], undefined, 'float64')).item()).toBe(Math.tanh(1));
  });
});

describe('binary primitives', () => {
  const a = () => tensor([[1, 2, 3], [4, 5, 6]]);
  it('arithmetic on equal shapes', () => {
    const b = tensor([[6, 5, 4], [3, 2, 1]]);
    expectTensor(a().add(b), [[7, 7, 7], [7, 7, 7]]);
    expectTensor(a().sub(b), [[-5, -3, -1], [1, 3, 5]]);
    expectTensor(a().mul(b), [[6, 10, 12], [12, 10, 6]]);
    expectTensor(a().div(b), [[1 / 6, 0.4, 0.75], [4 / 3, 2.5, 6]]);
    expectTensor(a().pow(tensor(2)), [[1, 4, 9], [16, 25, 36]]);
    expectTensor(a().maximum(b), [[6, 5, 4], [4, 5, 6]]);
    expectTensor(a().minimum(b), [[1, 2, 3], [3, 2, 1]]);
  });

  it('broadcasts rows, columns and scalars', () => {
    expectTensor(a().add(tensor([10, 20, 30])), [[11, 22, 33], [14, 25, 36]]);
    expectTensor(a().add(tensor([[100], [200]])), [[101, 102, 103], [204, 205, 206]]);
    expectTensor(tensor([[1], [2]]).mul(tensor([1, 10, 100])), [[1, 10, 100], [2, 20, 200]]);
    expectTensor(a().sub(1), [[0, 1, 2], [3, 4, 5]]);
    expectTensor(nn.sub(10, a()), [[9, 8, 7], [6, 5, 4]]);
  });

  it('broadcasts across 3-D shapes with size-1 dims in the middle', () => {
    const p = nn.arange(6).reshape([2, 1, 3]).cast('float32');
    const q = nn.arange(4).reshape([1, 4, 1]).cast('float32');
    const r = p.add(q);
    expect(r.shape).toEqual([2, 4, 3]);
    expect(r.index(1, 2).toArray()).toEqual([5, 6, 7]);
  });

  it('promotes dtypes like PyTorch', () => {
    const i = tensor([1, 2], undefined, 'int32');
    expect(i.add(1).dtype).toBe('int32');
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.div(2).dtype).toBe('float32');
    expectTensor(i.div(2), [0.5, 1]);
    expect(i.add(tensor([1, 1])).dtype).toBe('float32');
    expect(tensor([1], undefined, 'float64').add(tensor([1])).dtype).toBe('float64');
    expect(tensor([true]).add(tensor([true])).dtype).toBe('int32');
  });

  it('maximum and minimum propagate NaN', () => {
    expectTensor(tensor([NaN, 1]).maximum(tensor([0, NaN])), [NaN, NaN]);
    expectTensor(tensor([NaN, 1]).minimum(tensor([0, NaN])), [NaN, NaN]);
  });

  it('comparisons give bool, logic works on bool', () => {
    const p = tensor([1, 2, 3]);
    expect(p.eq(2).toArray()).toEqual([false, true, false]);
    expect(p.ne(2).toArray()).toEqual([true, false, true]);
    expect(p.lt(2).toArray()).toEqual([true, false, false]);
    expect(p.le(2).toArray()).toEqual([true, true, false]);
    expect(p.gt(2).toArray()).toEqual([false, false, true]);
    expect(p.ge(2).toArray()).toEqual([false, true, true]);
    const t = tensor([true, true, false]), f = tensor([true, false, false]);
    expect(t.logicalAnd(f).toArray()).toEqual([true, false, false]);
    expect(t.logicalOr(f).toArray()).toEqual([true, true, false]);
    expect(t.logicalNot().toArray()).toEqual([false, false, true]);
    expect(p.gt(1).dtype).toBe('bool');
  });

  it('where picks and broadcasts', () => {
    const c = tensor([[true], [false]]);
    expectTensor(nn.where(c, tensor([1, 2]), tensor(0)), [[1, 2], [0, 0]]);
    expectTensor(tensor([1, 2]).where(tensor([true, false]), -1), [1, -1]);
  });

  it('errors name the op and both shapes', () => {
    expect(() => tensor([1, 2, 3]).add(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3]).add(tensor([1, 2]))).toThrow('add: shapes cannot be broadcast together: a is [3], b is [2]');
    expect(() => nn.getEngine().run('add', [tensor([1]), tensor([1], undefined, 'int32')])).toThrow(DTypeError);
    expect(() => nn.getEngine().run('exp', [tensor([1], undefined, 'int32')])).toThrow("exp: argument 'x' (shape [1]) has dtype int32, expected float32 or float64");
  });
});
