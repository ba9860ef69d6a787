import { describe, expect, it } from 'vitest';
import { arange, DTypeError, gather, getEngine, oneHot, scatterAdd, tensor, ValueError, zeros } from '../src/index.js';

describe('gather / indexSelect', () => {
  it('gathers rows and columns, with repeats and negative indices', () => {
    const x = arange(6).reshape([3, 2]);
    expect(x.gather([2, 0, 2]).toArray()).toEqual([[4, 5], [0, 1], [4, 5]]);
    expect(x.gather([1], 1).toArray()).toEqual([[1], [3], [5]]);
    expect(x.gather([-1]).toArray()).toEqual([[4, 5]]);
    expect(x.indexSelect(0, [1]).toArray()).toEqual([[2, 3]]);
  });

  it('takes indices of any rank', () => {
    const x = tensor([10, 20, 30]);
    expect(gather(x, tensor([[0, 1], [2, 2]], undefined, 'int32')).toArray()).toEqual([[10, 20], [30, 30]]);
  });

  it('rejects out-of-range and non-integer indices', () => {
    expect(() => tensor([1, 2]).gather([2])).toThrow('gather: index 2 is out of range for dim 0 of size 2 (shape [2])');
    expect(() => getEngine().run('gather', [tensor([1, 2]), tensor([0.5])], { axis: 0 })).toThrow(DTypeError);
    expect(() => getEngine().run('gather', [tensor([1, 2]), tensor([0.5])], { axis: 0 })).toThrow('gather: indices (shape [1]) must be int32, got float32');
  });
});

describe('scatterAdd', () => {
  it('adds updates at indices, accumulating repeats', () => {
    const r = scatterAdd(zeros([3]), [0, 2, 0], tensor([1, 2, 3]));
    expect(r.toArray()).toEqual([4, 0, 2]);
    const m = scatterAdd(zeros([2, 3]), [2, 2], tensor([[1, 1], [5, 5]]), 1);
    expect(m.toArray()).toEqual([[0, 0, 2], [0, 0, 10]]);
  });

  it('checks the updates shape', () => {
    expect(() => scatterAdd(zeros([3]), [0, 1], tensor([1]))).toThrow(/updates has shape \[1\], expected \[2\]/);
  });
});

describe('oneHot', () => {
  it('encodes class indices', () => {
    expect(oneHot([0, 2], 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(tensor([1], undefined, 'int32').oneHot(2).dtype).toBe('float32');
  });

  it('rejects classes outside [0, depth)', () => {
    expect(() => oneHot([3], 3)).toThrow(ValueError);
    expect(() => oneHot([3], 3)).toThrow('oneHot: class index 3 at position 0 is outside [0, 3) (indices shape [1])');
    expect(() => oneHot([-1], 3)).toThrow(ValueError);
  });
});
