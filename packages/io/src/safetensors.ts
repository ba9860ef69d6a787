/**
 * The safetensors format (Hugging Face), as PyTorch and HF tools read it:
 * an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {...} }`,
 * then the tensors' bytes, back to back. Everything read is validated: a
 * corrupt file is a {@link SafetensorsError} naming the problem.
 * @module
 */
import { type DType, NNError, tensor, type Tensor, type TypedArray } from '@nn/tensor';

/** A safetensors file or buffer that is malformed. */
export class SafetensorsError extends NNError {
  constructor(message: string, readonly source: string) {
    super(`${source}: ${message}`, 'safetensors');
  }
}

/** Tensors by name plus string metadata, as stored in a file. */
export interface SafetensorsContent {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Bytes per element of each file dtype, and how it loads. */
const FILE_DTYPES: Record<string, { bytes: number; to: DType }> = {
  F64: { bytes: 8, to: 'float64' },
  F32: { bytes: 4, to: 'float32' },
  F16: { bytes: 2, to: 'float32' },
  BF16: { bytes: 2, to: 'float32' },
  I64: { bytes: 8, to: 'int32' },
  I32: { bytes: 4, to: 'int32' },
  I16: { bytes: 2, to: 'int32' },
  I8: { bytes: 1, to: 'int32' },
  U16: { bytes: 2, to: 'int32' },
  U8: { bytes: 1, to: 'int32' },
  BOOL: { bytes: 1, to: 'bool' },
};

const OUR_DTYPES: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

function checkLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new NNError('safetensors: big-endian platforms are not supported');
}

/** Options of {@link serializeSafetensors}. */
export interface SerializeOptions {
  /**
   * Names of int32 tensors to store as I64, the dtype PyTorch gives integer
   * buffers (`num_batches_tracked`), so that PyTorch reads them back as it
   * wrote them.
   */
  int64?: readonly string[];
}

/** Serialises tensors (and string metadata) to safetensors bytes. Names are sorted, as the reference writer does. */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, { int64 = [] }: SerializeOptions = {}): Uint8Array {
  const wide = new Set(int64);
  checkLittleEndian();
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new NNError(`safetensors: metadata value of '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const name of names) {
    if (name === '__metadata__') throw new NNError("safetensors: '__metadata__' is reserved and cannot name a tensor");
    const t = tensors[name]!;
    const asInt64 = wide.has(name);
    if (asInt64 && t.dtype !== 'int32') throw new NNError(`safetensors: '${name}' is ${t.dtype}; only int32 tensors can be stored as I64`);
    const values = asInt64 ? BigInt64Array.from(t.dataSync(), (v) => BigInt(v)) : t.dataSync();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    header[name] = { dtype: asInt64 ? 'I64' : OUR_DTYPES[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Converts one tensor's raw bytes to our typed array, checking integer ranges. */
function decode(fileDType: string, raw: Uint8Array, name: string, source: string): TypedArray {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.length / FILE_DTYPES[fileDType]!.bytes;
  switch (fileDType) {
    case 'F32':
      return new Float32Array(raw.slice().buffer);
    case 'F64':
      return new Float64Array(raw.slice().buffer);
    case 'I32':
      return new Int32Array(raw.slice().buffer);
    case 'BOOL': {
      const b = raw.slice();
      for (let i = 0; i < n; i++) if (b[i]! > 1) throw new SafetensorsError(`tensor '${name}' is BOOL but holds byte ${b[i]} at ${i}`, source);
      return b;
    }
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const h = view.getUint16(2 * i, true);
        if (fileDType === 'BF16') bits[i] = h << 16;
        else out[i] = halfToFloat(h);
      }
      return out;
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v =
          fileDType === 'I64' ? Number(view.getBigInt64(8 * i, true))
          : fileDType === 'I16' ? view.getInt16(2 * i, true)
          : fileDType === 'U16' ? view.getUint16(2 * i, true)
          : fileDType === 'I8' ? view.getInt8(i)
          : view.getUint8(i);
        if (v > 2147483647 || v < -2147483648) throw new SafetensorsError(`tensor '${name}' (${fileDType}) holds ${v} at ${i}, outside int32`, source);
        out[i] = v;
      }
      return out;
    }
  }
}

/** Parses and validates safetensors bytes into tensors. */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContent {
  checkLittleEndian();
  // A plain view: Node's Buffer.slice() would not copy.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new SafetensorsError(`only ${bytes.length} bytes; the header length alone needs 8`, source);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new SafetensorsError(`header length ${headerLength} exceeds the ${bytes.length - 8} bytes after it (file truncated or not safetensors)`, source);
  }
  const n = Number(headerLength);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON (${(e as Error).message})`, source);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('header must be a JSON object', source);
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Object.values(value).some((v) => typeof v !== 'string')) {
        throw new SafetensorsError('__metadata__ must map strings to strings', source);
      }
      Object.assign(metadata, value);
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const spec = typeof e?.dtype === 'string' ? FILE_DTYPES[e.dtype] : undefined;
    if (spec === undefined) throw new SafetensorsError(`tensor '${name}' has unsupported dtype ${JSON.stringify(e?.dtype)} (supported: ${Object.keys(FILE_DTYPES).join(', ')})`, source);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new SafetensorsError(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`, source);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o) || o < 0)) {
      throw new SafetensorsError(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`, source);
    }
    const [begin, end] = offsets as [number, number];
    const shape = e.shape as number[];
    const want = shape.reduce((a, b) => a * b, 1) * spec.bytes;
    if (end < begin || end > data.length) throw new SafetensorsError(`tensor '${name}' data_offsets [${begin}, ${end}] fall outside the ${data.length} data bytes`, source);
    if (end - begin !== want) throw new SafetensorsError(`tensor '${name}' (${e.dtype} [${shape.join(',')}]) needs ${want} bytes but data_offsets span ${end - begin}`, source);
    entries.push({ name, dtype: e.dtype as string, shape, begin, end });
  }
  // The data must be covered exactly: no overlaps, no holes, nothing after.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      throw new SafetensorsError(`tensor '${e.name}' starts at byte ${e.begin} but the previous tensor ends at ${expected} (${e.begin < expected ? 'overlap' : 'hole'})`, source);
    }
    expected = e.end;
  }
  if (expected !== data.length) throw new SafetensorsError(`the tensors cover ${expected} data bytes but the file has ${data.length}`, source);
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const values = decode(e.dtype, data.subarray(e.begin, e.end), e.name, source);
    tensors[e.name] = tensor(values, e.shape, FILE_DTYPES[e.dtype]!.to);
  }
  return { tensors, metadata };
}
