import { describe, expect, it } from 'vitest';
import { arange, ShapeError, tensor, DTypeError } from '../src/index.js';
import { expectTensor } from './helpers.js';

const m = () => tensor([[1, 5, 3], [4, 2, 6]]);

describe('reductions', () => {
  it('sum over all, one and several axes, with keepdim', () => {
    expect(m().sum().item()).toBe(21);
    expectTensor(m().sum(0), [5, 7, 9]);
    expectTensor(m().sum(1), [9, 12]);
    expectTensor(m().sum(-1, true), [[9], [12]]);
    expectTensor(m().sum([0, 1]), 21);
  });

  it('reduces non-contiguous axes of a 3-D tensor', () => {
    const x = arange(24).reshape([2, 3, 4]).cast('float32');
    // sum over dims 0 and 2: for each j, sum_{i,k} (12i + 4j + k)
    expectTensor(x.sum([0, 2]), [0, 1, 2].map((j) => 2 * 4 * 4 * j + 12 * 4 + 2 * 6));
    expectTensor(x.max([0, 2]), [15, 19, 23]);
    expect(x.sum([0, 2], true).shape).toEqual([1, 3, 1]);
  });

  it('mean, max, min, prod', () => {
    expect(m().mean().item()).toBe(3.5);
    expectTensor(m().mean(1), [3, 4]);
    expectTensor(m().max(0), [4, 5, 6]);
    expectTensor(m().min(1), [1, 2]);
    expectTensor(m().prod(1), [15, 48]);
    expect(tensor([1, 2], undefined, 'int32').mean().dtype).toBe('float32');
  });

  it('argmax and argmin, first index on ties, flattened without an axis', () => {
    expect(m().argmax(1).toArray()).toEqual([1, 2]);
    expect(m().argmin(0).toArray()).toEqual([0, 1, 0]);
    expect(m().argmax().item()).toBe(5);
    expect(tensor([3, 7, 7]).argmax().item()).toBe(1);
    expect(m().argmax(1).dtype).toBe('int32');
    expect(m().argmax(1, true).shape).toEqual([2, 1]);
  });

  it('logsumexp is stable for large inputs', () => {
    expectTensor(tensor([1000, 1000]).logsumexp(), 1000 + Math.log(2), 3);
    expectTensor(tensor([[0, Math.log(3)]]).logsumexp(1), [Math.log(4)]);
    expectTensor(tensor([-1000, -1000]).logsumexp(), -1000 + Math.log(2), 3);
  });

  it('sums integers and bools as int32; reductions propagate NaN', () => {
    expect(tensor([true, true, false]).sum().item()).toBe(2);
    expect(tensor([true]).sum().dtype).toBe('int32');
    expect(tensor([1, NaN, 3]).max().item()).toBeNaN();
    expect(tensor([1, NaN, 3]).sum().item()).toBeNaN();
  });

  it('empty reductions: sum is 0, prod is 1, max is an error', () => {
    expect(tensor([]).sum().item()).toBe(0);
    expect(tensor([]).prod().item()).toBe(1);
    expect(() => tensor([]).max()).toThrow(ShapeError);
  });

  it('errors name the op and the axis', () => {
    expect(() => m().sum(2)).toThrow('sum: axis 2 is out of range for a tensor of shape [2,3] (rank 2)');
    expect(() => m().sum([0, 0])).toThrow(/repeats an axis/);
    expect(() => m().argmax(5)).toThrow(ShapeError);
    expect(() => m().gt(1).logsumexp()).not.toThrow(DTypeError);
  });
});
