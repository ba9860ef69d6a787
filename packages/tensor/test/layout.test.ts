import { describe, expect, it } from 'vitest';
import { arange, concat, getEngine, ShapeError, split, stack, tensor, ValueError } from '../src/index.js';
import { expectTensor } from './helpers.js';

const m = () => arange(6).reshape([2, 3]);

describe('reshape family', () => {
  it('reshape shares storage and resolves -1', () => {
    const x = m();
    const r = x.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(r.dataRef).toBe(x.dataRef);
    expect(() => x.reshape([4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) into [4,-1]');
    expect(() => x.reshape([5])).toThrow(ShapeError);
  });

  it('flatten, squeeze, unsqueeze', () => {
    const x = arange(24).reshape([2, 3, 4]);
    expect(x.flatten().shape).toEqual([24]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
    const y = arange(3).reshape([1, 3, 1]);
    expect(y.squeeze().shape).toEqual([3]);
    expect(y.squeeze(0).shape).toEqual([3, 1]);
    expect(() => y.squeeze(1)).toThrow('squeeze: dim 1 has size 3 in [1,3,1]; only size-1 dims can be squeezed');
    expect(m().unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(m().unsqueeze(-1).shape).toEqual([2, 3, 1]);
  });
});

describe('transpose and permute', () => {
  it('transposes matrices and permutes dims', () => {
    expect(m().transpose().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    const x = arange(24).reshape([2, 3, 4]);
    const p = x.permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.index(3, 1, 2).item()).toBe(x.index(1, 2, 3).item());
    expect(x.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(() => x.permute([0, 0, 1])).toThrow(/not a permutation/);
  });
});

describe('broadcastTo', () => {
  it('copies along broadcast dims', () => {
    expect(tensor([1, 2]).broadcastTo([2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(tensor([[1], [2]]).broadcastTo([2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(() => tensor([1, 2]).broadcastTo([3])).toThrow('broadcastTo: cannot broadcast a tensor of shape [2] to [3]');
  });
});

describe('slicing and indexing', () => {
  it('slices with Python semantics', () => {
    const x = arange(10);
    expect(x.slice([2], [5]).toArray()).toEqual([2, 3, 4]);
    expect(x.slice([-3]).toArray()).toEqual([7, 8, 9]);
    expect(x.slice([1], [null], [3]).toArray()).toEqual([1, 4, 7]);
    expect(x.slice([8], [100]).toArray()).toEqual([8, 9]);
    expect(x.slice([5], [2]).toArray()).toEqual([]);
    expect(() => x.slice([0], [5], [0])).toThrow(ValueError);
  });

  it('indexes like x[1, 0:2] and x[:, -1]', () => {
    const x = arange(12).reshape([3, 4]);
    expect(x.index(1, [0, 2]).toArray()).toEqual([4, 5]);
    expect(x.index(null, -1).toArray()).toEqual([3, 7, 11]);
    expect(x.index([null, null, 2], [1, null, 2]).toArray()).toEqual([[1, 3], [9, 11]]);
    expect(x.index(2).toArray()).toEqual([8, 9, 10, 11]);
    expect(() => x.index(3)).toThrow('index: index 3 is out of range for dim 0 of size 3 (shape [3,4])');
  });
});

describe('concat, stack, split', () => {
  it('concatenates along any axis', () => {
    expect(concat([m(), m()], 0).shape).toEqual([4, 3]);
    expect(concat([m(), arange(2).reshape([2, 1])], 1).toArray()).toEqual([[0, 1, 2, 0], [3, 4, 5, 1]]);
    expect(concat([m(), m()], -1).shape).toEqual([2, 6]);
    expect(() => concat([m(), arange(4).reshape([2, 2])], 0)).toThrow(/tensors\[1\] has shape \[2,2\], incompatible with tensors\[0\] \[2,3\] outside axis 0/);
  });

  it('stacks along a new axis', () => {
    const s = stack([tensor([1, 2]), tensor([3, 4])], 1);
    expect(s.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor([1, 2]), tensor([3, 4])]).shape).toEqual([2, 2]);
    expect(() => stack([tensor([1, 2]), tensor([3])])).toThrow(ShapeError);
  });

  it('splits by chunk size or by sizes (PyTorch semantics)', () => {
    const parts = split(arange(5), 2);
    expect(parts.map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    const [a, b] = m().split([1, 2], 1);
    expect(a!.toArray()).toEqual([[0], [3]]);
    expect(b!.toArray()).toEqual([[1, 2], [4, 5]]);
    expect(() => m().split([1, 1], 1)).toThrow(/do not add up/);
  });

  it('split and stack run as composites of slice and concat', () => {
    const coverage = getEngine().registry.coverage();
    expect(coverage.find((r) => r.op === 'split')!.kind).toBe('composite');
    expect(coverage.find((r) => r.op === 'stack')!.kind).toBe('composite');
  });
});

describe('pad, cast, clone', () => {
  it('pads with a constant', () => {
    expect(tensor([[1, 2]]).pad([[1, 0], [0, 2]], 9).toArray()).toEqual([[9, 9, 9, 9], [1, 2, 9, 9]]);
    expect(() => tensor([1]).pad([[-1, 0]])).toThrow(ShapeError);
  });

  it('casts between dtypes', () => {
    expect(tensor([1.7, -1.7, 0]).cast('int32').toArray()).toEqual([1, -1, 0]);
    expect(tensor([1.7, 0]).cast('bool').toArray()).toEqual([true, false]);
    expect(tensor([true, false]).cast('float32').toArray()).toEqual([1, 0]);
    expect(tensor([1]).cast('float64').dtype).toBe('float64');
  });

  it('clone copies the storage', () => {
    const x = tensor([1, 2]);
    const y = x.clone();
    expect(y.dataRef).not.toBe(x.dataRef);
    expectTensor(y, [1, 2]);
  });
});
