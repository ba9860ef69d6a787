import { describe, expect, it } from 'vitest';
import { argmax, argmin, arange, BackendError, DTypeError, full, MAX_ELEMENTS, ones, PluginError, PluginVersionError, randn, Registry, setBackend, ShapeError, tensor, ValueError, zeros } from '../src/index.js';

/** Input that must be refused with a typed error naming the op and the argument. */
describe('bad input is refused clearly', () => {
  it('shapes too large for one tensor, before any memory is asked for', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(ValueError);
    expect(() => zeros([1e6, 1e6])).toThrow('zeros: shape [1000000,1000000] has 1.000e+12 elements; a tensor holds at most 2,147,483,647 (2^31 − 1)');
    expect(() => ones([2 ** 16, 2 ** 16])).toThrow(/^full: shape \[65536,65536\]/);
    expect(() => arange(0, 1e12)).toThrow(/^arange: length \[1000000000000\]/);
    // An op whose output would be too large says so before any kernel runs.
    const a = zeros([1, 65536]), b = zeros([65536, 1]);
    expect(() => a.add(b)).toThrow(/^add: output shape \[65536,65536\] has 4.295e\+9 elements/);
    expect(MAX_ELEMENTS).toBe(2 ** 31 - 1);
  });

  it('unknown dtypes, in every creation function', () => {
    for (const make of [() => zeros([2], 'float16' as never), () => ones([2], 'float16' as never), () => full([2], 1, 'int8' as never), () => randn([2], { dtype: 'bfloat16' as never }), () => arange(3, undefined, 1, 'uint8' as never)]) {
      expect(make).toThrow(DTypeError);
      expect(make).toThrow(/unknown dtype '\w+' \(expected one of bool, int32, float32, float64\)/);
    }
  });

  it('argmax and argmin of an empty dimension', () => {
    expect(() => argmax(zeros([0]))).toThrow(ShapeError);
    expect(() => argmax(zeros([0]))).toThrow('argmax: cannot take the argmax of an empty dimension (shape [0], axis 0)');
    expect(() => argmin(zeros([3, 0]), 1)).toThrow('argmin: cannot take the argmin of an empty dimension (shape [3,0], axis 1)');
    expect(argmax(zeros([0, 3]), 1).shape).toEqual([0]);
  });

  it('malformed plugins are refused whole, naming the part', () => {
    const r = new Registry();
    expect(() => r.use({ name: 'str', apiVersion: '1' as never })).toThrow(PluginError);
    expect(() => r.use({ name: 'str', apiVersion: '1' as never })).toThrow(`use: plugin 'str' has apiVersion "1" (string); it must be the number 1`);
    expect(() => r.use({ name: 'two', apiVersion: 2 })).toThrow(PluginVersionError);
    expect(() => r.use({ name: 'noinfer', apiVersion: 1, ops: [{ name: 'acme.op', inputs: ['x'] } as never] })).toThrow(/op 'acme.op' has no infer\(inputs, attrs\) function/);
    expect(r.hasOp('acme.op')).toBe(false);
    expect(r.hasPlugin('noinfer')).toBe(false);
    expect(() => r.use({ name: 'k', apiVersion: 1, kernels: [{ op: 'add', backend: 'cpu' } as never] })).toThrow(/a kernel needs op and backend names and a run function/);
    expect(() => r.use({ name: 'g', apiVersion: 1, gradients: [{ op: 'add' } as never] })).toThrow(/a gradient needs an op name and a vjp function/);
    expect(() => r.use({ name: 'o', apiVersion: 1, ops: {} as never })).toThrow(/ops must be an array/);
  });

  it('setBackend reports an unknown backend through its promise, never synchronously', async () => {
    let thrown = false;
    let promise: Promise<void> | undefined;
    try {
      promise = setBackend('nope');
    } catch {
      thrown = true;
    }
    expect(thrown).toBe(false);
    await expect(promise).rejects.toThrow(BackendError);
    await expect(setBackend('nope')).rejects.toThrow(/setBackend: unknown backend 'nope'/);
  });

  it('non-numeric data', () => {
    expect(() => tensor([1, 'a' as never])).toThrow('tensor: element at [1] is string, expected a number or boolean');
  });
});
