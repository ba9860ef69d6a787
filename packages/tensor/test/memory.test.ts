import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DisposedTensorError, dispose, getBackend, keep, memory, NNError, randn, tensor, tidy, zeros } from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('memory', () => {
  it('tidy disposes intermediates and keeps what it returns', () => {
    const before = memory().tensors;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2).add(1);
      return { result: b.sum(), list: [b] };
    });
    expect(out.result.item()).toBe(15);
    expect(memory().tensors).toBe(before + 2);
    dispose(out);
    expect(memory().tensors).toBe(before);
  });

  it('nested tidy moves returned tensors to the outer scope', () => {
    const before = memory().tensors;
    tidy(() => {
      const inner = tidy(() => tensor([1]).add(1));
      expect(inner.isDisposed).toBe(false);
      return undefined;
    });
    expect(memory().tensors).toBe(before);
  });

  it('keep exempts a tensor from its scope', () => {
    const before = memory().tensors;
    let kept!: ReturnType<typeof tensor>;
    tidy(() => {
      kept = keep(tensor([1, 2]));
      tensor([3]);
    });
    expect(kept.isDisposed).toBe(false);
    expect(memory().tensors).toBe(before + 1);
    kept.dispose();
    kept.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('1,000 steps inside tidy leave memory().tensors and bytes unchanged', () => {
    let w = keep(randn([8, 8]));
    const x = keep(randn([4, 8]));
    const before = memory();
    for (let step = 0; step < 1000; step++) {
      const next = tidy(() => w.sub(x.matmul(w).relu().transpose().matmul(x).mul(1e-3)));
      w.dispose();
      w = keep(next);
    }
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    w.dispose();
    x.dispose();
  });

  it('`using` disposes at the end of the block', () => {
    const before = memory().tensors;
    {
      using t = zeros([4]);
      expect(memory().tensors).toBe(before + 1);
      expect(t.size).toBe(4);
    }
    expect(memory().tensors).toBe(before);
  });

  it('counts bytes per backend, sharing storage between views', () => {
    const before = memory();
    const a = zeros([10]);
    const v = a.reshape([2, 5]);
    expect(memory().bytes - before.bytes).toBe(40);
    const name = getBackend();
    expect(memory().backends[name]!.tensors - before.backends[name]!.tensors).toBe(2);
    a.dispose();
    expect(v.toArray()).toEqual([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]);
    v.dispose();
    expect(memory().bytes).toBe(before.bytes);
  });

  it('using a disposed tensor is a DisposedTensorError naming the op and argument', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => tensor([1, 2]).add(t)).toThrow(DisposedTensorError);
    expect(() => tensor([1, 2]).add(t)).toThrow("add: argument 'b' (shape [2], float32) was disposed, explicitly or by the end of its tidy() scope");
    expect(() => t.dataSync()).toThrow(DisposedTensorError);
    expect(t.toString()).toMatch(/disposed/);
  });

  it('tidy refuses async functions', () => {
    expect(() => tidy((async () => tensor([1])) as never)).toThrow(NNError);
  });

  it('the FinalizationRegistry releases tensors the user forgot', async () => {
    const before = memory().tensors;
    (() => {
      for (let i = 0; i < 50; i++) zeros([1000]);
    })();
    expect(memory().tensors).toBe(before + 50);
    for (let i = 0; i < 20 && memory().tensors > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    // Earlier tests' forgotten tensors may be collected too, so at most `before` remain.
    expect(memory().tensors).toBeLessThanOrEqual(before);
  });
});

describe('assign', () => {
  it('replaces the data in place, sharing the new storage and releasing the old', () => {
    const before = memory();
    const p = keep(tensor([1, 2, 3]));
    const v = tensor([4, 5, 6]);
    p.assign(v);
    expect(p.toArray()).toEqual([4, 5, 6]);
    expect(p.dataRef).toBe(v.dataRef);
    v.dispose();
    expect(p.toArray()).toEqual([4, 5, 6]);
    expect(memory().bytes - before.bytes).toBe(12);
    p.dispose();
    expect(memory().bytes).toBe(before.bytes);
    expect(memory().tensors).toBe(before.tensors);
  });

  it('needs the same shape and dtype', () => {
    const p = tensor([1, 2]);
    expect(() => p.assign(tensor([1, 2, 3]))).toThrow('assign: value ([3] float32) must match the target ([2] float32)');
    expect(() => p.assign(tensor([1, 2], undefined, 'int32'))).toThrow(/must match/);
  });
});
