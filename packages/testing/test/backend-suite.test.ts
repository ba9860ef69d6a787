import { describe, expect, it } from 'vitest';
import { type Backend, REGISTRY_API_VERSION, type TypedArray, use } from '@nn/tensor';
import { assertBackendConformance, backendSuite, checkBackend, ConformanceError, PROBE_BACKEND } from '../src/index.js';

/** A storage-only backend with one wrong kernel: sub computes a + b. */
function brokenBackendPlugin() {
  const backend: Backend = {
    name: 'broken-sub',
    write: (values: TypedArray) => ({ values: values.slice() }),
    readSync: (handle: unknown) => (handle as { values: TypedArray }).values,
    disposeData: () => undefined,
  };
  type H = { values: Float32Array };
  return {
    name: 'broken-sub-plugin',
    apiVersion: REGISTRY_API_VERSION,
    backends: [{ name: 'broken-sub', priority: -1, create: () => backend }],
    kernels: [
      {
        op: 'sub',
        backend: 'broken-sub',
        run: ([a, b]: readonly { data: unknown; shape: readonly number[] }[]) => {
          const x = (a!.data as H).values, y = (b!.data as H).values;
          return [{ values: x.map((v, i) => v + y[i % y.length]!) }];
        },
      },
    ],
  };
}

describe('the whole-backend suite', () => {
  it('covers the core op families', () => {
    const names = backendSuite().map((s) => s.name);
    for (const op of ['exp', 'add', 'div', 'sum', 'argmax', 'matmul', 'permute', 'gather', 'scatterAdd', 'cumsum', 'linear']) expect(names).toContain(op);
  });

  it('passes on a backend with no kernels at all (everything through dispatch fallback)', () => {
    expect(() => assertBackendConformance(PROBE_BACKEND)).not.toThrow();
  });

  it('names the op and case a broken kernel gets wrong', () => {
    use(brokenBackendPlugin());
    const failed = checkBackend('broken-sub').filter((r) => !r.ok).map((r) => r.op);
    expect(failed).toContain('sub');
    expect(failed).not.toContain('add');
    expect(() => assertBackendConformance('broken-sub')).toThrow(ConformanceError);
    expect(() => assertBackendConformance('broken-sub')).toThrow(/backend 'broken-sub'.*sub: sub #0/);
  });
});
