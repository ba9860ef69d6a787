import { describe, expect, it, vi } from 'vitest';
import { grad } from '@nn/autograd';
import { conv2d, convTranspose2d } from '@nn/layers-conv';
import * as nn from '@nn/tensor';
import { coverage, createEngine, memory, REGISTRY_API_VERSION, setBackend, tensor, tidy, use, withEngine } from '@nn/tensor';
import { getThreads, Heap, relaxedSimdSupported, setThreads, sizeClass, WasmBackend, wasmBackend, WasmOutOfMemoryError, wasmPlugin } from '../src/index.js';

use(wasmPlugin);

describe('the wasm backend', () => {
  it('registers with use(), is chosen by priority and by setBackend, and starts its threads', async () => {
    await setBackend('wasm');
    expect(nn.getBackend()).toBe('wasm');
    expect(getThreads()).toBeGreaterThanOrEqual(1);
    const rows = new Map(coverage().map((r) => [r.op, r.backends]));
    expect(rows.get('matmul')!.wasm).toBe('kernel');
    expect(rows.get('gather')!.wasm).toBe('host');
    expect(rows.get('mean')!.wasm).toBe('composite');
    // A third-party op with only a cpu kernel runs it over wasm memory (no copies, no warning), and coverage says so.
    const engine = createEngine(wasmPlugin, {
      name: 'acme',
      apiVersion: REGISTRY_API_VERSION,
      ops: [{ name: 'acme.twice', inputs: ['x'], infer: ([x]) => [x!] }],
      kernels: [{ op: 'acme.twice', backend: 'cpu', run: ([x]) => [(x!.data as Float32Array).map((v) => 2 * v)] }],
    });
    expect(engine.registry.coverage().find((r) => r.op === 'acme.twice')!.backends.wasm).toBe('host');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      engine.setBackend('wasm');
      const y = withEngine(engine, () => engine.run('acme.twice', [tensor([1.5, -2])])[0]!);
      expect(y.toArray()).toEqual([3, -4]);
      expect(y.dataRef!.backend.name).toBe('wasm');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps values when the memory grows, and reads back what it wrote', async () => {
    await setBackend('wasm');
    const first = tensor([1.5, -2, 3]);
    const before = wasmBackend().memoryStats().reserved;
    const big = nn.zeros([8 << 20]); // 32 MiB: forces growth
    expect(wasmBackend().memoryStats().reserved).toBeGreaterThan(before);
    expect(Array.from(first.dataSync())).toEqual([1.5, -2, 3]);
    expect(first.add(1).toArray()).toEqual([2.5, -1, 4]);
    big.dispose();
    first.dispose();
  });

  it('10,000 mixed ops in tidy leave memory in use flat', async () => {
    await setBackend('wasm');
    const w = nn.keep(nn.randn([16, 16]));
    const step = () =>
      tidy(() => {
        const x = nn.randn([8, 16]);
        const y = x.matmul(w).relu().add(1).mul(x.sum(1, true)).sigmoid();
        const z = nn.concat([y, y.matmul(w.transpose()).neg()], 0).slice([0, 0], [8, 8]);
        return z.exp().max().log();
      });
    for (let i = 0; i < 100; i++) step().dispose();
    const engineBefore = memory();
    const heapBefore = wasmBackend().memoryStats();
    for (let i = 0; i < 1250; i++) step().dispose(); // 8 ops and more each
    expect(memory().tensors).toBe(engineBefore.tensors);
    expect(memory().bytes).toBe(engineBefore.bytes);
    expect(wasmBackend().memoryStats()).toEqual(heapBefore);
    w.dispose();
  });

  it('reports running out of memory with a typed error that names the sizes', () => {
    const engine = createEngine({
      name: 'small-wasm',
      apiVersion: REGISTRY_API_VERSION,
      requires: [wasmPlugin],
      backends: [{ name: 'wasm', priority: 2, create: () => new WasmBackend({ threads: 1, maxMemoryBytes: 32 << 20 }) }],
    });
    withEngine(engine, () => {
      void setBackend('wasm');
      const ok = nn.zeros([1 << 20]);
      const err = (() => {
        try {
          nn.zeros([16 << 20]);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(WasmOutOfMemoryError);
      expect(err!.message).toMatch(/^wasm: out of memory allocating 67108864 bytes: .* MiB in live tensors, .* limit 32 MiB/);
      expect(ok.sum().item()).toBe(0); // still usable
    });
  });

  it('runs on one thread over a plain memory where SharedArrayBuffer is missing', async () => {
    const engine = createEngine({
      name: 'plain-wasm',
      apiVersion: REGISTRY_API_VERSION,
      requires: [wasmPlugin],
      backends: [{ name: 'wasm', priority: 2, create: () => new WasmBackend({ shared: false }) }],
    });
    const backend = engine.instance('wasm') as WasmBackend;
    expect(backend.shared).toBe(false);
    expect(backend.k.memory.buffer).toBeInstanceOf(ArrayBuffer);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await backend.setThreads(2);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/wasm threads need SharedArrayBuffer/));
    warn.mockRestore();
    expect(backend.threads).toBe(1);
    withEngine(engine, () => {
      void setBackend('wasm');
      const a = nn.tensor([[1, 2], [3, 4]]), big = nn.ones([300, 300]);
      expect(a.matmul(a).toArray()).toEqual([[7, 10], [15, 22]]);
      expect(big.matmul(big).sum().item()).toBe(300 * 300 * 300);
      // growing a plain memory detaches old views: values must survive it
      const huge = nn.zeros([16 << 20]);
      expect(a.add(1).toArray()).toEqual([[2, 3], [4, 5]]);
      huge.dispose();
    });
  });

  it('gives the same bits on 1 and 2 threads for matmul and conv forward, and reproducible filter gradients', async () => {
    await setBackend('wasm');
    nn.manualSeed(3);
    const a = nn.keep(nn.randn([200, 300])), b = nn.keep(nn.randn([300, 260]));
    const x = nn.keep(nn.randn([4, 8, 20, 20])), k = nn.keep(nn.randn([16, 8, 3, 3]));
    // Winograd convolutions: a batch split by images, and one image split by tile blocks
    const xw = nn.keep(nn.randn([4, 16, 20, 20])), x1 = nn.keep(nn.randn([1, 16, 64, 64])), kw = nn.keep(nn.randn([16, 16, 3, 3]));
    // one image with a 7x7 map: split by output channels (72: uneven parts)
    const x7 = nn.keep(nn.randn([1, 64, 7, 7])), k7 = nn.keep(nn.randn([72, 64, 3, 3]));
    // one image's transposed convolution (FCN's 8x upsampling): split by its 11 output channels
    const xt = nn.keep(nn.randn([1, 11, 8, 8])), kt = nn.keep(nn.randn([11, 11, 16, 16]));
    const run = () => tidy(() => ({
      mm: Array.from(a.matmul(b).dataSync()),
      conv: [x, xw, x1].flatMap((xx, i) => Array.from(conv2d(xx, i ? kw : k, null, { padding: 1 }).dataSync())).concat(Array.from(conv2d(x7, k7, null, { padding: 1 }).dataSync()), Array.from(convTranspose2d(xt, kt, null, { stride: 8, padding: 4 }).dataSync())),
      dw: [[x, k], [xw, kw]].flatMap(([xx, kk]) => Array.from(grad((w: nn.Tensor) => conv2d(xx!, w, null, { padding: 1 }).square().sum())(kk!).dataSync())),
    }));
    await setThreads(2);
    const two = run(), twoAgain = run();
    await setThreads(1);
    const one = run();
    await setThreads(2);
    expect(one.mm).toEqual(two.mm);
    expect(one.conv).toEqual(two.conv);
    expect(twoAgain.dw).toEqual(two.dw);
    // other thread counts sum the partials in another order: the same within rounding of the largest entry (Winograd's sums cancel more)
    const scale = Math.max(...one.dw.map(Math.abs));
    const worst = Math.max(...one.dw.map((v, i) => Math.abs(v - two.dw[i]!))) / scale;
    expect(worst).toBeLessThan(1e-6);
    for (const t of [a, b, x, k, xw, x1, kw, x7, k7, xt, kt]) t.dispose();
  });

  it('runs 3x3 convolutions as Winograd F(2x2, 3x3) unless told not to, both within rounding of the cpu', async () => {
    const engine = createEngine({
      name: 'im2col-wasm',
      apiVersion: REGISTRY_API_VERSION,
      requires: [wasmPlugin],
      backends: [{ name: 'wasm', priority: 2, create: () => new WasmBackend({ threads: 1, winograd: false }) }],
    });
    nn.manualSeed(4);
    const xv = nn.randn([2, 16, 18, 17]).dataSync(), kv = nn.randn([24, 16, 3, 3]).dataSync();
    const convOn = () => Array.from(tidy(() => conv2d(nn.tensor(xv, [2, 16, 18, 17]), nn.tensor(kv, [24, 16, 3, 3]), null, { padding: 1 }).dataSync()));
    await setBackend('cpu');
    const cpu = convOn();
    await setBackend('wasm');
    const winograd = convOn();
    expect((engine.instance('wasm') as WasmBackend).winograd).toBe(false);
    const im2col = withEngine(engine, () => {
      void setBackend('wasm');
      return convOn();
    });
    const scale = Math.max(...cpu.map(Math.abs));
    for (const got of [winograd, im2col]) expect(Math.max(...got.map((v, i) => Math.abs(v - cpu[i]!))) / scale).toBeLessThan(2e-6);
    expect(winograd).not.toEqual(im2col); // different arithmetic, different rounding
  });
});

describe('the kernel variant', () => {
  it('uses relaxed SIMD exactly where the engine accepts it', () => {
    // The relaxed-SIMD project runs these tests with --experimental-wasm-relaxed-simd; the plain one without.
    expect(relaxedSimdSupported()).toBe(process.execArgv.includes('--experimental-wasm-relaxed-simd'));
  });
});

describe('the heap', () => {
  it('rounds sizes to classes with at most 25% slack and reuses freed blocks', () => {
    for (const n of [1, 15, 16, 17, 255, 257, 1000, 4096, 5000, 1e6, 3.3e7]) {
      const c = sizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c % 16).toBe(0);
      if (n > 256) expect(c).toBeLessThanOrEqual(n * 1.25 + 16);
    }
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 4 }), 1024, 4 * 65536);
    const p = heap.alloc(1000);
    const q = heap.alloc(1000);
    expect(q).toBeGreaterThanOrEqual(p + 1000);
    heap.free(p, 1000);
    expect(heap.alloc(990)).toBe(p);
    expect(heap.alloc(0)).toBe(0);
    expect(() => heap.alloc(5 * 65536)).toThrow(WasmOutOfMemoryError);
  });
});
