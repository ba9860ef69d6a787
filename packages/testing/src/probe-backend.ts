/**
 * A storage-only backend: it holds data and has no kernels at all, so every
 * op run on it goes through dispatch fallback (composites, then the cpu
 * kernel with the data moved). Running a suite on it proves an op works on a
 * backend that lacks it, as a third-party backend does on day one.
 * @module
 */
import { type Backend, type Plugin, REGISTRY_API_VERSION, type TypedArray } from '@nn/tensor';

/** The name the probe backend registers under. */
export const PROBE_BACKEND = 'conformance-probe';

/** A plugin registering the kernel-less probe backend (priority −1: never chosen by default). */
export function probeBackendPlugin(): Plugin {
  const backend: Backend = {
    name: PROBE_BACKEND,
    // Keep a private copy, as a device backend would.
    write: (values: TypedArray) => ({ values: values.slice() }),
    readSync: (handle: unknown) => (handle as { values: TypedArray }).values,
    disposeData: (handle: unknown) => void ((handle as { values: TypedArray | null }).values = null),
  };
  return {
    name: '@nn/testing.probe-backend',
    apiVersion: REGISTRY_API_VERSION,
    backends: [{ name: PROBE_BACKEND, priority: -1, create: () => backend }],
  };
}
