/**
 * The whole-backend suite: every core op family, on float32 inputs of the
 * shapes models use (broadcast, strided, reduced, empty), run on a backend
 * and compared with `cpu`. A third-party backend author proves the backend
 * with one call: `assertBackendConformance('mybackend')`.
 * @module
 */
import * as nn from '@nn/tensor';
import { type ConformanceReport, checkOp, checkOpAsync, ConformanceError, type OpSpec } from './conformance.js';

/** Deterministic float32 values in [-2, 2), none of them 0 (or in [0.1, 2.1) when `positive`), for tests that must feed several backends the same inputs. */
export function testValues(shape: readonly number[], seed: number, positive = false): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = (s / 2 ** 32) * 4 - 2 || 0.25;
    out[i] = positive ? Math.abs(v) + 0.1 : v;
  }
  return out;
}

function values(shape: number[], seed: number, positive = false): nn.Tensor {
  return nn.tensor(testValues(shape, seed, positive), shape, 'float32');
}

type Unary = (x: nn.Tensor) => nn.Tensor;
type Binary = (a: nn.Tensor, b: nn.Tensor) => nn.Tensor;

const unary: [string, Unary, boolean?][] = [
  ['exp', nn.exp], ['log', nn.log, true], ['sqrt', nn.sqrt, true], ['rsqrt', nn.rsqrt, true], ['sin', nn.sin], ['cos', nn.cos], ['tanh', nn.tanh], ['sigmoid', nn.sigmoid],
  ['neg', nn.neg], ['abs', nn.abs], ['sign', nn.sign], ['relu', nn.relu], ['floor', nn.floor], ['ceil', nn.ceil], ['round', nn.round],
];
const binary: [string, Binary][] = [
  ['add', nn.add], ['sub', nn.sub], ['mul', nn.mul], ['div', nn.div], ['maximum', nn.maximum], ['minimum', nn.minimum],
  ['eq', nn.eq], ['ne', nn.ne], ['lt', nn.lt], ['le', nn.le], ['gt', nn.gt], ['ge', nn.ge],
];

/** The suite's op specs (gradients are checked elsewhere, in float64 on cpu: here only agreement with cpu counts). */
export function backendSuite(): OpSpec[] {
  const specs: OpSpec[] = [];
  const spec = (name: string, fn: OpSpec['fn'], cases: (() => nn.Tensor[])[], backendTolerance = 1e-5) =>
    specs.push({ name, fn, gradient: false, backendTolerance, cases: cases.map((inputs, i) => ({ name: `${name} #${i}`, inputs })) });
  for (const [name, f, positive] of unary) spec(name, f, [() => [values([37], 1, positive)], () => [values([3, 4, 5], 2, positive)], () => [values([0, 3], 3, positive)]]);
  for (const [name, f] of binary) {
    spec(name, f, [() => [values([4, 5], 4), values([4, 5], 5)], () => [values([2, 1, 5], 6), values([3, 1], 7)], () => [values([33], 8), values([], 9)]]);
  }
  spec('pow', nn.pow, [() => [values([4, 5], 10, true), values([4, 5], 11)]], 1e-4);
  spec('where', (c, a, b) => nn.where(c!.gt(0), a!, b!), [() => [values([3, 4], 12), values([3, 4], 13), values([4], 14)]]);
  for (const [name, f] of [['sum', nn.sum], ['max', nn.max], ['min', nn.min], ['mean', nn.mean], ['logsumexp', nn.logsumexp], ['prod', nn.prod]] as const) {
    spec(name, (x) => f(x!, [1], false), [() => [values([3, 7, 2], 15)], () => [values([5, 9], 16)]], 1e-4);
    spec(`${name} (all)`, (x) => f(x!), [() => [values([6, 5], 17)]], 1e-4);
  }
  spec('argmax', (x) => nn.argmax(x!, 1), [() => [values([4, 9], 18)]]);
  spec('argmin', (x) => nn.argmin(x!, 0), [() => [values([4, 9], 19)]]);
  spec('matmul', (a, b) => nn.matmul(a!, b!), [() => [values([7, 13], 20), values([13, 5], 21)], () => [values([2, 3, 8], 22), values([8, 4], 23)], () => [values([64, 64], 24), values([64, 64], 25)]], 1e-4);
  spec('matmul (transposed)', (a, b) => nn.matmul(a!, b!, { transposeA: true, transposeB: true }), [() => [values([6, 3], 26), values([4, 6], 27)]], 1e-4);
  spec('reshape', (x) => nn.reshape(x!, [6, -1]), [() => [values([3, 4, 2], 28)]]);
  spec('permute', (x) => nn.permute(x!, [2, 0, 1]), [() => [values([3, 4, 5], 29)]]);
  spec('slice', (x) => nn.slice(x!, [1, 0], [3, 5], [1, 2]), [() => [values([4, 6], 30)]]);
  spec('concat', (a, b) => nn.concat([a!, b!], 1), [() => [values([2, 3], 31), values([2, 4], 32)]]);
  spec('stack', (a, b) => nn.stack([a!, b!], 0), [() => [values([2, 3], 33), values([2, 3], 34)]]);
  spec('pad', (x) => nn.pad(x!, [[1, 0], [2, 1]], 0.5), [() => [values([3, 3], 35)]]);
  spec('broadcastTo', (x) => nn.broadcastTo(x!, [3, 4, 5]), [() => [values([4, 1], 36)]]);
  spec('gather', (x) => nn.gather(x!, [2, 0, 2, 1], 1), [() => [values([3, 4], 37)]]);
  spec('scatterAdd', (x, u) => nn.scatterAdd(x!, [1, 1, 0], u!, 0), [() => [values([3, 2], 38), values([3, 2], 39)]]);
  spec('cast', (x) => nn.cast(nn.cast(x!.mul(3), 'int32'), 'float32'), [() => [values([10], 40)]]);
  spec('cumsum', (x) => nn.cumsum(x!, 1), [() => [values([3, 9], 41)]], 1e-4);
  spec('linear', (x, w, b) => nn.linear(x!, w!, b!, { activation: { op: 'relu' } }), [() => [values([5, 8], 42), values([3, 8], 43), values([3], 44)]], 1e-4);
  return specs;
}

/** Runs the whole-backend suite on `backend` (compared with cpu) and returns one report per op. */
export function checkBackend(backend: string): ConformanceReport[] {
  return backendSuite().map((s) => checkOp({ ...s, backends: [backend] }));
}

/** {@link checkBackend} for backends whose data is read asynchronously (webgpu). */
export async function checkBackendAsync(backend: string): Promise<ConformanceReport[]> {
  const reports: ConformanceReport[] = [];
  for (const s of backendSuite()) reports.push(await checkOpAsync({ ...s, backends: [backend] }));
  return reports;
}

function throwFailures(backend: string, reports: ConformanceReport[]): void {
  const failed = reports.filter((r) => !r.ok);
  if (failed.length) throw new ConformanceError({ op: `backend '${backend}'`, ok: false, results: failed.flatMap((r) => r.results.filter((x) => !x.ok).map((x) => ({ ...x, case: `${r.op}: ${x.case}` }))) });
}

/** Runs {@link checkBackend} and throws a ConformanceError naming every op and case that disagrees with cpu. */
export function assertBackendConformance(backend: string): void {
  throwFailures(backend, checkBackend(backend));
}

/** {@link assertBackendConformance} for backends whose data is read asynchronously (webgpu). */
export async function assertBackendConformanceAsync(backend: string): Promise<void> {
  throwFailures(backend, await checkBackendAsync(backend));
}
