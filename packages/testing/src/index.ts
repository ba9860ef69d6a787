/**
 * @nn/testing: the conformance kit that any op or backend, ours or a third
 * party's, runs to prove itself: forward values against a reference,
 * gradients by `gradCheck`, agreement between backends (including a
 * kernel-less probe backend that exercises dispatch fallback).
 *
 * @example
 * ```ts
 * import { assertConformance, inputs } from '@nn/testing';
 * assertConformance({
 *   name: 'softplus',
 *   fn: (x) => softplus(x),
 *   cases: [{ inputs: inputs([-2, 0, 3]), reference: (v) => Math.log1p(Math.exp(v)) }],
 * });
 * ```
 * @packageDocumentation
 */
export { checkOp, checkOpAsync, assertConformance, inputs, ConformanceError, type OpCase, type OpSpec, type CheckResult, type ConformanceReport } from './conformance.js';
export { probeBackendPlugin, PROBE_BACKEND } from './probe-backend.js';
export { backendSuite, testValues, checkBackend, checkBackendAsync, assertBackendConformance, assertBackendConformanceAsync } from './backend-suite.js';
