import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, memory, ones, onesLike, ShapeError, DTypeError, tensor, tensorFrom, ValueError, zeros, zerosLike, scalar } from '../src/index.js';
import { expectTensor } from './helpers.js';

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
  });

  it('takes typed arrays with their dtype, and an explicit shape and dtype', () => {
    expect(tensor(new Int32Array([1, 2, 3])).dtype).toBe('int32');
    expect(tensor(new Float64Array([1.5])).dtype).toBe('float64');
    const t = tensor([1, 2, 3, 4], [2, 2], 'int32');
    expect(t.shape).toEqual([2, 2]);
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    expect(tensor([1.7, -1.7], undefined, 'int32').toArray()).toEqual([1, -1]);
  });

  it('copies its input so later mutation does not leak in', () => {
    const data = new Float32Array([1, 2]);
    const t = tensor(data);
    data[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
    const copy = t.dataSync();
    copy[1] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('rejects ragged arrays and mismatched shapes with a ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array: at \[1\] found 1 entries, expected 2/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/shape \[2,2\] needs 4 values, got 3/);
    expect(() => tensor([1], undefined, 'float16' as never)).toThrow(DTypeError);
  });
});

describe('creation functions', () => {
  it('zeros, ones, full and the *Like variants', () => {
    expectTensor(zeros([2, 2]), [[0, 0], [0, 0]]);
    expectTensor(ones([3]), [1, 1, 1]);
    expectTensor(full([2], 7), [7, 7]);
    expect(full([1], true).dtype).toBe('bool');
    const x = tensor([[1, 2]], undefined, 'int32');
    expect(zerosLike(x).dtype).toBe('int32');
    expect(onesLike(x).toArray()).toEqual([[1, 1]]);
    expect(scalar(2.5).item()).toBe(2.5);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
  });

  it('arange, linspace and eye', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(2, 8, 2).toArray()).toEqual([2, 4, 6]);
    expectTensor(arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expectTensor(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe('Tensor basics', () => {
  it('data() resolves to a copy of the values', async () => {
    expect(Array.from(await tensor([1, 2]).data())).toEqual([1, 2]);
  });

  it('item() needs exactly one element', () => {
    expect(() => tensor([1, 2]).item()).toThrow(/item: the tensor has 2 elements/);
  });

  it('prints like PyTorch', () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(tensor([1.5, -2.25]).toString()).toBe('tensor([ 1.5000, -2.2500])');
    expect(tensor([1, 2], undefined, 'int32').toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False], dtype=bool)');
    expect(arange(2000).toString()).toBe('tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)');
    expect(tensor([NaN, Infinity, 1]).toString()).toBe('tensor([nan, inf,  1.])');
  });
});

describe('tensorFrom()', () => {
  it('stores what the writer writes, from zeros, in every dtype', () => {
    const bytes = new Uint8Array([0, 51, 255, 102]);
    const t = tensorFrom([2, 2], 'float32', (values) => bytes.forEach((b, i) => (values[i] = b / 255)));
    expectTensor(t, [[0, 0.2], [1, 0.4]], 1e-7);
    expect(tensorFrom([3], 'int32', (v) => (v[1] = 7)).toArray()).toEqual([0, 7, 0]);
    expect(tensorFrom([2], 'bool', (v) => (v[0] = 1)).toArray()).toEqual([true, false]);
    expect(tensorFrom([2], 'float64', (v) => (v[1] = 0.1)).dtype).toBe('float64');
    // storage freed just before and reused still starts as zeros
    ones([1000]).dispose();
    expect(Array.from(tensorFrom([1000], 'float32', (v) => (v[0] = 5)).dataSync()).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('keeps nothing when the writer throws, and refuses bad arguments by name', () => {
    const before = memory().tensors;
    expect(() => tensorFrom([4], 'float32', () => { throw new Error('decode failed'); })).toThrow('decode failed');
    expect(memory().tensors).toBe(before);
    expect(() => tensorFrom([2], 'float16' as never, () => {})).toThrow(DTypeError);
    expect(() => tensorFrom([-1], 'float32', () => {})).toThrow(/tensorFrom/);
    expect(() => tensorFrom([2], 'float32', 3 as never)).toThrow(ValueError);
  });
});
