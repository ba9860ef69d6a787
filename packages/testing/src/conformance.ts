/**
 * The conformance kit: given an op (as a function of tensors) and cases,
 * check forward values against a reference, the gradient with `gradCheck`,
 * and agreement between every registered backend.
 * @module
 */
import { gradCheck, installAutograd } from '@nn/autograd';
import { getEngine, getRegistry, type NestedArray, NNError, type Tensor, tensor, tidy } from '@nn/tensor';
import { probeBackendPlugin } from './probe-backend.js';

/** One case of an op: its inputs, and what the output should be. */
export interface OpCase {
  /** A label for reports. */
  name?: string;
  /** The inputs, made fresh for every check (nested arrays become float64 tensors for accuracy). */
  inputs: () => Tensor[];
  /** The expected output values... */
  expected?: NestedArray;
  /** ...or a scalar reference applied elementwise to the first input's values (for unary ops). */
  reference?: (x: number) => number;
  /** Skip the gradient check for this case (kinks, non-differentiable points). */
  skipGradient?: boolean;
}

/** What to check about an op. */
export interface OpSpec {
  /** The op's name, for reports. */
  name: string;
  /** The op as a function of tensors (the front-end a user calls). */
  fn: (...inputs: Tensor[]) => Tensor;
  cases: OpCase[];
  /** Forward tolerance, absolute + relative (default 1e-5). */
  tolerance?: number;
  /** Check gradients with `gradCheck` (default true). */
  gradient?: boolean | { tolerance?: number; eps?: number };
  /** Backends to compare with cpu (default: every registered backend, plus the kernel-less probe). */
  backends?: string[];
  /** Tolerance between backends (default 1e-5). */
  backendTolerance?: number;
}

/** One check's outcome. */
export interface CheckResult {
  case: string;
  check: 'forward' | 'gradient' | `backend:${string}`;
  ok: boolean;
  detail: string;
}

/** All outcomes of a spec. */
export interface ConformanceReport {
  op: string;
  ok: boolean;
  results: CheckResult[];
}

/** A conformance failure: the message lists every failed check. */
export class ConformanceError extends NNError {
  constructor(readonly report: ConformanceReport) {
    super(`${report.op}: ${report.results.filter((r) => !r.ok).map((r) => `[${r.case}] ${r.check}: ${r.detail}`).join('; ')}`, 'conformance');
  }
}

function flat(v: NestedArray): number[] {
  return ([v].flat(Infinity as 1) as (number | boolean)[]).map(Number);
}

function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} values, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tolerance * (1 + Math.abs(e)) || a === e)) {
      return `value ${i} is ${a}, expected ${e}`;
    }
  }
  return undefined;
}

/** Runs every check of `spec` and returns the report (never throws for a failed check). */
export function checkOp(spec: OpSpec): ConformanceReport {
  const tolerance = spec.tolerance ?? 1e-5;
  const results: CheckResult[] = [];
  const engine = getEngine();
  installAutograd();
  const registry = getRegistry();
  registry.use(probeBackendPlugin());
  const backends = spec.backends ?? registry.backends().map((b) => b.name).filter((b) => b !== 'cpu');
  const previous = engine.backend().name;
  spec.cases.forEach((c, index) => {
    const label = c.name ?? `case ${index}`;
    const record = (check: CheckResult['check'], run: () => string | undefined) => {
      try {
        const problem = run();
        results.push({ case: label, check, ok: problem === undefined, detail: problem ?? 'ok' });
      } catch (e) {
        results.push({ case: label, check, ok: false, detail: `threw ${(e as Error).name}: ${(e as Error).message}` });
      }
    };
    engine.setBackend('cpu');
    let reference: Float64Array | undefined;
    record('forward', () =>
      tidy(() => {
        const inputs = c.inputs();
        const out = Float64Array.from(spec.fn(...inputs).dataSync());
        reference = out;
        if (c.expected !== undefined) return compare(out, flat(c.expected), tolerance);
        if (c.reference !== undefined) return compare(out, Array.from(inputs[0]!.dataSync(), c.reference), tolerance);
        return undefined;
      }),
    );
    const g = spec.gradient ?? true;
    if (g !== false && !c.skipGradient) {
      const opts = typeof g === 'object' ? g : {};
      record('gradient', () =>
        tidy(() => {
          const r = gradCheck(spec.fn, c.inputs(), { tolerance: opts.tolerance ?? 1e-5, eps: opts.eps });
          return r.ok ? undefined : `worst relative error ${JSON.stringify(r.maxRelativeError)} at ${JSON.stringify(r.worst)}`;
        }),
      );
    }
    for (const b of backends) {
      record(`backend:${b}`, () => {
        try {
          engine.setBackend(b);
          return tidy(() => {
            const out = spec.fn(...c.inputs());
            if (out.backend !== b) return `output lives on '${out.backend}', not '${b}'`;
            return reference === undefined ? 'no cpu reference' : compare(Float64Array.from(out.dataSync()), reference, spec.backendTolerance ?? 1e-5);
          });
        } finally {
          engine.setBackend('cpu');
        }
      });
    }
  });
  engine.setBackend(previous);
  return { op: spec.name, ok: results.every((r) => r.ok), results };
}

/**
 * {@link checkOp}'s comparison with cpu for backends that read their data
 * asynchronously (webgpu): each backend's output is read with
 * `await data()`. Forward and gradient checks are `checkOp`'s, on cpu.
 */
export async function checkOpAsync(spec: OpSpec): Promise<ConformanceReport> {
  const engine = getEngine();
  const registry = getRegistry();
  const backends = spec.backends ?? registry.backends().map((b) => b.name).filter((b) => b !== 'cpu');
  const onCpu = checkOp({ ...spec, backends: [] });
  const results = [...onCpu.results];
  const previous = engine.backend().name;
  for (const [index, c] of spec.cases.entries()) {
    const label = c.name ?? `case ${index}`;
    engine.setBackend('cpu');
    let reference: Float64Array | undefined;
    try {
      reference = tidy(() => Float64Array.from(spec.fn(...c.inputs()).dataSync()));
    } catch {
      // checkOp has reported the cpu failure.
    }
    for (const b of backends) {
      let detail: string | undefined;
      try {
        engine.setBackend(b);
        const out = tidy(() => spec.fn(...c.inputs()));
        try {
          if (out.backend !== b) detail = `output lives on '${out.backend}', not '${b}'`;
          else detail = reference === undefined ? 'no cpu reference' : compare(Float64Array.from(await out.data()), reference, spec.backendTolerance ?? 1e-5);
        } finally {
          out.dispose();
        }
      } catch (e) {
        detail = `threw ${(e as Error).name}: ${(e as Error).message}`;
      } finally {
        engine.setBackend('cpu');
      }
      results.push({ case: label, check: `backend:${b}`, ok: detail === undefined, detail: detail ?? 'ok' });
    }
  }
  engine.setBackend(previous);
  return { op: spec.name, ok: results.every((r) => r.ok), results };
}

/** Runs `checkOp` and throws a {@link ConformanceError} listing every failed check. */
export function assertConformance(spec: OpSpec): ConformanceReport {
  const report = checkOp(spec);
  if (!report.ok) throw new ConformanceError(report);
  return report;
}

/** Shorthand for case inputs: nested arrays as float64 tensors. */
export function inputs(...values: NestedArray[]): () => Tensor[] {
  return () => values.map((v) => tensor(v as number[], undefined, 'float64'));
}
