/**
 * Elementwise kernels: one WGSL expression per op, wrapped in a shader that
 * walks the output and finds each input's element through broadcast strides
 * (or reads all in step when no input broadcasts).
 * @module
 */
import { type DType, elementwiseComposites, elementwiseOps, type KernelDef, layoutOps, sizeOf, unaryHandle } from '@nn/tensor';
import { broadcastStrides, kernelsFor } from '@nn/tensor/kernel';
import { type GpuData, GLOBAL_INDEX, grid, type WebGPUBackend, wgslType } from '../backend.js';
import { declare, FLOAT_HELPERS } from '../wgsl.js';

const kernel = kernelsFor<WebGPUBackend>('webgpu');

/** WGSL of each unary op in `a` (float32; `int` where it also takes int32), with the dtypes it takes. */
const unary: Record<string, { expr: string; int?: string; dtypes: DType[] }> = {
  neg: { expr: '-a', int: '-a', dtypes: ['float32', 'int32'] },
  abs: { expr: 'abs(a)', int: 'abs(a)', dtypes: ['float32', 'int32'] },
  sign: { expr: 'select(sign(a), a, isnan_(a))', int: 'sign(a)', dtypes: ['float32', 'int32'] },
  exp: { expr: 'exp(a)', dtypes: ['float32'] },
  log: { expr: 'select(log(a), nan_(), a < 0.0)', dtypes: ['float32'] },
  sqrt: { expr: 'select(sqrt(a), nan_(), a < 0.0)', dtypes: ['float32'] },
  rsqrt: { expr: 'select(inverseSqrt(a), nan_(), a < 0.0)', dtypes: ['float32'] },
  sin: { expr: 'sin_(a)', dtypes: ['float32'] },
  cos: { expr: 'cos_(a)', dtypes: ['float32'] },
  // tanh(±15) is ±1 in float32; clamping keeps exp from overflowing inside tanh.
  tanh: { expr: 'select(tanh(clamp(a, -15.0, 15.0)), a, isnan_(a))', dtypes: ['float32'] },
  sigmoid: { expr: '1.0 / (1.0 + exp(-a))', dtypes: ['float32'] },
  relu: { expr: 'select(a, 0.0, a < 0.0)', dtypes: ['float32'] },
  floor: { expr: 'floor(a)', int: 'a', dtypes: ['float32', 'int32'] },
  ceil: { expr: 'ceil(a)', int: 'a', dtypes: ['float32', 'int32'] },
  // WGSL rounds halves to even, as the cpu kernel does.
  round: { expr: 'round(a)', int: 'a', dtypes: ['float32', 'int32'] },
  logicalNot: { expr: 'u32(a == 0u)', dtypes: ['bool'] },
};

/** WGSL of each binary op in `a` and `b`; comparisons give bool (u32). */
const binary: Record<string, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'pow_(a, b)',
  maximum: 'select(b, a, a > b || a != a)',
  minimum: 'select(b, a, a < b || a != a)',
  eq: 'u32(a == b)',
  ne: 'u32(a != b)',
  lt: 'u32(a < b)',
  le: 'u32(a <= b)',
  gt: 'u32(a > b)',
  ge: 'u32(a >= b)',
  logicalAnd: 'u32(a != 0u && b != 0u)',
  logicalOr: 'u32(a != 0u || b != 0u)',
};

/**
 * The shader for `out0[i] = expr(in0[..], in1[..], ...)` with inputs bound to
 * the names `vars`. Broadcast inputs are found through strides in the
 * parameters: [n, shape (rank), strides of each input (rank each)].
 */
function shader(types: readonly string[], outType: string, vars: readonly string[], expr: string, rank: number, broadcast: boolean): string {
  const loads = broadcast
    ? `var rem = i;
  ${vars.map((_, k) => `var o${k} = 0u;`).join(' ')}
  for (var d = 0u; d < ${rank}u; d++) {
    let axis = ${rank - 1}u - d;
    let size = p[1u + axis];
    let idx = rem % size;
    rem = rem / size;
    ${vars.map((_, k) => `o${k} += idx * p[${1 + rank * (k + 1)}u + axis];`).join('\n    ')}
  }
  ${vars.map((v, k) => `let ${v} = in${k}[o${k}];`).join('\n  ')}`
    : vars.map((v, k) => `let ${v} = in${k}[i];`).join('\n  ');
  return `${declare(types, [outType])}
${FLOAT_HELPERS}
${GLOBAL_INDEX}
  if (i >= p[0]) { return; }
  ${loads}
  out0[i] = ${expr};
}`;
}

/** Runs an elementwise expression over inputs that broadcast to `outShape`. */
export function runElementwise(backend: WebGPUBackend, inputs: readonly { data: GpuData; shape: readonly number[]; dtype: DType }[], outShape: readonly number[], outDtype: DType, vars: readonly string[], expr: string): GpuData {
  const n = sizeOf(outShape);
  const out = backend.alloc(outDtype, n);
  const broadcast = inputs.some((x) => sizeOf(x.shape) !== n);
  const rank = outShape.length;
  const params = [n];
  if (broadcast) {
    params.push(...outShape);
    for (const x of inputs) params.push(...broadcastStrides(x.shape, outShape));
  }
  backend.dispatch({
    code: shader(inputs.map((x) => wgslType(x.dtype)), wgslType(outDtype), vars, expr, rank, broadcast),
    inputs: inputs.map((x) => x.data),
    outputs: [out],
    params,
    workgroups: grid(n),
  });
  return out;
}

function unaryKernel(op: string): KernelDef {
  const { expr, int, dtypes } = unary[op]!;
  return kernel(unaryHandle(op as never), ([x], _attrs, { backend, outputs }) => [runElementwise(backend, [x!], outputs[0]!.shape, outputs[0]!.dtype, ['a'], x!.dtype === 'int32' ? int! : expr)], { dtypes });
}

function binaryKernel(op: keyof typeof binary): KernelDef {
  const handle = (elementwiseOps as Record<string, Parameters<typeof kernel>[0]>)[op]!;
  // pow_ is float's; logical ops take bool; arithmetic and ordering on bool (u32 storage) mean nothing in WGSL, equality does.
  const dtypes: DType[] = op === 'pow' ? ['float32'] : op === 'logicalAnd' || op === 'logicalOr' ? ['bool'] : op === 'eq' || op === 'ne' ? ['float32', 'int32', 'bool'] : ['float32', 'int32'];
  return kernel(handle, ([a, b], _attrs, { backend, outputs }) => [runElementwise(backend, [a!, b!], outputs[0]!.shape, outputs[0]!.dtype, ['a', 'b'], binary[op]!)], { dtypes });
}

const whereKernel = kernel(elementwiseOps.where, ([c, a, b], _attrs, { backend, outputs }) => [
  runElementwise(backend, [c!, a!, b!], outputs[0]!.shape, outputs[0]!.dtype, ['c', 'a', 'b'], 'select(b, a, c != 0u)'),
]);

const reluBackwardKernel = kernel(elementwiseComposites.reluBackward, ([dy, x], _attrs, { backend, outputs }) => [
  runElementwise(backend, [dy!, x!], outputs[0]!.shape, outputs[0]!.dtype, ['g', 'a'], 'select(0.0, g, a > 0.0)'),
], { dtypes: ['float32'] });

/** WGSL converting `a` of one stored type to another (float to int truncates, to bool tests for non-zero). */
function castExpr(from: DType, to: DType): string {
  if (from === to) return 'a';
  if (to === 'bool') return from === 'float32' ? 'u32(a != 0.0)' : 'u32(a != 0)';
  if (to === 'int32') return from === 'float32' ? 'select(i32(trunc(a)), 0, isnan_(a))' : 'i32(a)';
  return 'f32(a)';
}

const castKernel = kernel(layoutOps.cast, ([x], { dtype }, { backend, outputs }) => [runElementwise(backend, [x!], outputs[0]!.shape, dtype, ['a'], castExpr(x!.dtype, dtype))], {
  accepts: (_inputs, { dtype }) => dtype !== 'float64',
});

/** Kernels of the elementwise ops, cast and reluBackward. */
export const elementwiseKernels: KernelDef[] = [...Object.keys(unary).map(unaryKernel), ...(Object.keys(binary) as (keyof typeof binary)[]).map(binaryKernel), whereKernel, reluBackwardKernel, castKernel];
