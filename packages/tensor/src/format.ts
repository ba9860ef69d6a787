/**
 * Printing tensors the way PyTorch does.
 * @module
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Above this many elements, each dim shows only its first and last `EDGE_ITEMS` entries. */
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatter(values: TypedArray, dtype: DType, shown: number[]): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  const finite = shown.map((i) => values[i]!).filter(Number.isFinite);
  const allIntegral = finite.every(Number.isInteger);
  const maxAbs = Math.max(0, ...finite.map(Math.abs));
  const minAbs = Math.min(...finite.map(Math.abs).filter((v) => v > 0));
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (allIntegral && maxAbs < 1e8) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  if (maxAbs >= 1e8 || (Number.isFinite(minAbs) && minAbs < 1e-4) || maxAbs / (minAbs || 1) > 1000) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

/** Formats values like `tensor([[1., 2.], [3., 4.]])`, eliding the middle of large tensors. */
export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const summarize = values.length > THRESHOLD;
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const indices = (d: number): (number | null)[] => {
    const n = shape[d]!;
    if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), null, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)];
  };
  const shown: number[] = [];
  const collect = (d: number, off: number): void => {
    if (d === shape.length) shown.push(off);
    else for (const i of indices(d)) if (i !== null) collect(d + 1, off + i * strides[d]!);
  };
  collect(0, 0);
  const fmt = formatter(values, dtype, shown);
  const width = Math.max(0, ...shown.map((i) => fmt(values[i]!).length));
  const pad = (v: number) => fmt(v).padStart(width);
  const prefix = 'tensor(';
  const render = (d: number, off: number, indent: number): string => {
    if (d === shape.length) return pad(values[off]!);
    const parts = indices(d).map((i) => (i === null ? '...' : render(d + 1, off + i * strides[d]!, indent + 1)));
    if (d === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - d - 1) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = render(0, 0, prefix.length);
  const suffix = dtype === 'float32' ? '' : `, dtype=${dtype}`;
  return `${prefix}${body}${suffix})`;
}
