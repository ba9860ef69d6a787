import { describe, expect, it } from 'vitest';
import {
  BackendError,
  DisposedTensorError,
  DTypeError,
  DuplicateCoreError,
  getEngine,
  getRegistry,
  NNError,
  PluginError,
  PluginVersionError,
  Registry,
  setBackend,
  ShapeError,
  tensor,
  UnknownOpError,
  ValueError,
  zeros,
  exp,
  sum,
  reshape,
  transpose,
  gather,
} from '../src/index.js';
import { Engine } from '../src/kernel.js';

/** Runs `fn`, expecting it to throw an instance of `cls`; returns the error. */
function caught(fn: () => unknown, cls: new (...a: never[]) => Error): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(NNError);
    return e as Error;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

describe('every error class, raised with its message', () => {
  it('ShapeError names the op and both shapes', () => {
    const e = caught(() => zeros([2, 3]).matmul(zeros([4, 5])), ShapeError);
    expect(e.message).toBe('matmul: inner dimensions differ: a is [2,3], b is [4,5]');
    expect(e.name).toBe('ShapeError');
    expect((e as NNError).op).toBe('matmul');
  });

  it('DTypeError names the argument, its shape and the dtypes', () => {
    const e = caught(() => getEngine().run('logicalAnd', [tensor([1]), tensor([1])]), DTypeError);
    expect(e.message).toBe("logicalAnd: argument 'a' (shape [1]) has dtype float32, expected bool");
  });

  it('DisposedTensorError names the op and the argument', () => {
    const t = tensor([[1, 2]]);
    t.dispose();
    const e = caught(() => t.sum(), DisposedTensorError);
    expect(e.message).toBe("sum: argument 'x' (shape [1,2], float32) was disposed, explicitly or by the end of its tidy() scope");
  });

  it('UnknownOpError names the op and the registered plugins', () => {
    const e = caught(() => getEngine().run('acme.swish', [tensor([1])]), UnknownOpError);
    const plugins = ['@nn/tensor', ...(getRegistry().hasPlugin('@nn/backend-wasm') ? ['@nn/backend-wasm'] : [])].join(', ');
    expect(e.message).toBe(`unknown op 'acme.swish': no registered plugin defines it (registered plugins: ${plugins})`);
  });

  it('PluginVersionError names the plugin and both versions', () => {
    const e = caught(() => new Registry().use({ name: 'acme.old', apiVersion: 2 }), PluginVersionError);
    expect(e).toBeInstanceOf(PluginError);
    expect(e.message).toBe("use: plugin 'acme.old' targets registry API version 2, but this @nn/tensor speaks version 1; upgrade whichever is older");
  });

  it('BackendError names the backend and those registered', async () => {
    const e = await setBackend('webgpu').then(() => new Error('resolved'), (err: Error) => err);
    expect(e).toBeInstanceOf(BackendError);
    const backends = getRegistry().backends().map((b) => b.name).join(', ');
    expect(e.message).toBe(`setBackend: unknown backend 'webgpu' (registered: ${backends})`);
    expect(backends).toMatch(/cpu$/);
    const empty = caught(() => new Engine(new Registry()).backend(), BackendError);
    expect(empty.message).toBe('no backend could be initialised (none registered)');
  });

  it('ValueError names the op and the bad value', () => {
    const e = caught(() => tensor([1, 2]).gather([5]), ValueError);
    expect(e.message).toBe('gather: index 5 is out of range for dim 0 of size 2 (shape [2])');
  });

  it('DuplicateCoreError names the argument', () => {
    const foreign = Object.assign(Object.create(null), { [Symbol.for('@nn/tensor.Tensor')]: true });
    const e = caught(() => tensor([1]).mul(foreign), DuplicateCoreError);
    expect(e.message).toMatch(/^mul: argument 'b' is a Tensor from another copy of @nn\/tensor/);
  });

  it('a non-tensor argument is a plain NNError naming what was passed', () => {
    const e = caught(() => getEngine().run('neg', [[1, 2] as never]), NNError);
    expect(e.message).toBe("neg: argument 'x' must be a Tensor, got an array (wrap it with tensor())");
  });

  it('a wrong number of inputs names the op and its inputs', () => {
    const e = caught(() => getEngine().run('add', [tensor([1])]), NNError);
    expect(e.message).toBe('add: expected 2 inputs (a, b), got 1');
  });
});

describe('front-ends check their arguments before reading them', () => {
  it('names the op for non-tensors and disposed tensors alike', () => {
    const gone = tensor([1]);
    gone.dispose();
    for (const [name, f] of [
      ['exp', () => exp([1, 2] as never)],
      ['sum', () => sum({} as never)],
      ['reshape', () => reshape(gone, [1])],
      ['transpose', () => transpose(gone)],
      ['gather', () => gather(gone, [0])],
    ] as const) {
      const e = caught(f, NNError);
      expect(e.message.startsWith(`${name}: argument`)).toBe(true);
    }
  });
});
