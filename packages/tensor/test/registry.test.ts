import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  createEngine,
  DuplicateCoreError,
  getBackend,
  getEngine,
  mean,
  PluginError,
  PluginVersionError,
  REGISTRY_API_VERSION,
  Registry,
  tensor,
  UnknownOpError,
  withEngine,
  type Backend,
  type Plugin,
  type TypedArray,
  activationOps, convOps, elementwiseComposites, elementwiseOps, fusedOps, indexingOps, layoutOps, linalgOps, normOps, poolOps, randomOps, recurrentCellOps, reduceComposites, reduceOps, scanOps,
} from '../src/index.js';

/** A minimal third-party backend: stores copies of the data and implements only `add`. */
function miniBackendPlugin(log: string[]): Plugin {
  const backend: Backend = {
    name: 'mini',
    write: (values: TypedArray) => ({ values: values.slice() }),
    readSync: (h: unknown) => (h as { values: TypedArray }).values,
    disposeData: () => log.push('dispose'),
  };
  return {
    name: 'acme.mini-backend',
    apiVersion: REGISTRY_API_VERSION,
    backends: [{ name: 'mini', priority: 5, create: () => backend }],
    kernels: [
      {
        op: 'add',
        backend: 'mini',
        run([a, b], _attrs, { outputs }) {
          log.push('mini.add');
          const av = (a!.data as { values: Float32Array }).values, bv = (b!.data as { values: Float32Array }).values;
          const o = new Float32Array(av.length);
          for (let i = 0; i < o.length; i++) o[i] = av[i]! + bv[i % bv.length]!;
          expect(outputs[0]!.shape).toEqual(a!.shape);
          return [{ values: o }];
        },
      },
    ],
  };
}

const doublePlugin: Plugin = {
  name: 'acme.double',
  apiVersion: REGISTRY_API_VERSION,
  ops: [
    {
      name: 'acme.double',
      inputs: ['x'],
      infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
      composite: ([x]) => [x!.add(x!)],
    },
  ],
};

afterEach(() => vi.restoreAllMocks());

describe('registry', () => {
  it('fresh registries are isolated from the default one', () => {
    const engine = createEngine(doublePlugin);
    expect(engine.registry.hasOp('acme.double')).toBe(true);
    expect(getEngine().registry.hasOp('acme.double')).toBe(false);
    const r = withEngine(engine, () => engine.run('acme.double', [tensor([1, 2])])[0]!.toArray());
    expect(r).toEqual([2, 4]);
    expect(() => getEngine().run('acme.double', [tensor([1])])).toThrow(UnknownOpError);
    expect(() => getEngine().run('acme.double', [tensor([1])])).toThrow(/unknown op 'acme.double'/);
  });

  it('registering the same plugin twice is harmless', () => {
    const r = new Registry();
    r.use(doublePlugin).use(doublePlugin);
    expect(r.opNames()).toEqual(['acme.double']);
  });

  it('rejects a plugin for another API version, and a clashing op name', () => {
    const r = new Registry();
    expect(() => r.use({ name: 'old', apiVersion: 0 })).toThrow(PluginVersionError);
    expect(() => r.use({ name: 'old', apiVersion: 0 })).toThrow(/plugin 'old' targets registry API version 0/);
    r.use(doublePlugin);
    expect(() => r.use({ name: 'other', apiVersion: REGISTRY_API_VERSION, ops: [{ ...doublePlugin.ops![0]! }] })).toThrow(PluginError);
    expect(() => r.use(null as never)).toThrow(PluginError);
  });

  it('picks the highest-priority backend that initialises, and setBackend switches', () => {
    const engine = createEngine(miniBackendPlugin([]), {
      name: 'broken',
      apiVersion: REGISTRY_API_VERSION,
      backends: [{ name: 'broken', priority: 100, create: () => { throw new Error('no GPU here'); } }],
    });
    expect(engine.backend().name).toBe('mini');
    engine.setBackend('cpu');
    expect(engine.backend().name).toBe('cpu');
    expect(() => engine.setBackend('tpu')).toThrow(BackendError);
    expect(() => engine.setBackend('tpu')).toThrow("setBackend: unknown backend 'tpu' (registered: broken, mini, cpu)");
    // The default engine is untouched by another engine's setBackend.
    expect(getBackend()).toBe(getEngine().backend().name);
  });

  it('dispatch: own kernel, else composite, else cpu with one warning', () => {
    const log: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const engine = createEngine(miniBackendPlugin(log), doublePlugin);
    withEngine(engine, () => {
      engine.setBackend('mini');
      const a = tensor([1, 2, 3]);
      expect(a.backend).toBe('mini');
      expect(a.add(tensor([10, 20, 30])).toArray()).toEqual([11, 22, 33]);
      expect(log).toContain('mini.add');
      // mul has no mini kernel: runs on cpu, result comes back to mini.
      const p = a.mul(a);
      expect(p.backend).toBe('mini');
      expect(p.toArray()).toEqual([1, 4, 9]);
      a.mul(a);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/op 'mul' has no kernel on backend 'mini'; running it on 'cpu'/);
      // A composite runs through the kernels it decomposes into.
      log.length = 0;
      expect(engine.run('acme.double', [a])[0]!.toArray()).toEqual([2, 4, 6]);
      expect(log).toContain('mini.add');
      expect(mean(a).item()).toBe(2);
    });
    const cov = engine.registry.coverage();
    const row = (op: string) => cov.find((r) => r.op === op)!;
    expect(row('add').backends).toEqual({ mini: 'kernel', cpu: 'kernel' });
    expect(row('mul').backends.mini).toBe('fallback');
    expect(row('acme.double').backends.mini).toBe('composite');
    expect(row('mean').kind).toBe('composite');
    expect(row('matmul').kind).toBe('primitive');
  });

  it('the cpu backend implements every primitive (the conv, pooling and cell ops once their packages register)', () => {
    // Their cpu kernels are plugins of @nn/layers-conv and @nn/layers-recurrent, which test them there.
    const elsewhere = new Set([...Object.keys(convOps), ...Object.keys(poolOps)]);
    const missing = getEngine().registry.coverage().filter((r) => r.kind === 'primitive' && r.backends.cpu !== 'kernel' && !elsewhere.has(r.op));
    expect(missing).toEqual([]);
  });

  it('lists the primitives a new backend owes kernels for, and no composite among them', () => {
    const registry = getEngine().registry;
    const primitives = registry.primitives();
    expect(primitives).toContain('conv2d');
    expect(primitives).toContain('exp');
    for (const composite of ['sigmoid', 'tanh', 'relu', 'rsqrt', 'leakyRelu', 'elu', 'gelu', 'softmax', 'logSoftmax', 'mean', 'fusedConv2d', 'convTranspose2d', 'lstmCell']) {
      expect(primitives).not.toContain(composite);
      expect(registry.op(composite).composite).toBeTypeOf('function');
    }
  });

  it('every catalog key is its op\'s wire name', () => {
    for (const catalog of [elementwiseOps, elementwiseComposites, reduceOps, reduceComposites, linalgOps, layoutOps, indexingOps, randomOps, scanOps, fusedOps, convOps, poolOps, normOps, activationOps, recurrentCellOps]) {
      for (const [key, op] of Object.entries(catalog)) expect(op.name).toBe(key);
    }
  });

  it('reports two copies of the core in one process clearly', async () => {
    const mine = tensor([1]);
    getEngine();
    vi.resetModules();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const second: typeof import('../src/index.js') = await import('../src/index.js');
    expect(second.Tensor).not.toBe(mine.constructor);
    const theirs = second.tensor([2]);
    expect(warn.mock.calls.some((c) => /two copies of @nn\/tensor are loaded/.test(String(c[0])))).toBe(true);
    expect(() => theirs.add(mine)).toThrow(second.DuplicateCoreError);
    expect(() => mine.add(theirs)).toThrow(DuplicateCoreError);
    expect(() => mine.add(theirs)).toThrow("add: argument 'b' is a Tensor from another copy of @nn/tensor loaded in this process");
  });
});
