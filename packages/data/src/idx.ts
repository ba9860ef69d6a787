/**
 * The IDX file format of MNIST and Fashion-MNIST: a big-endian header (two
 * zero bytes, a type code, the number of dims, each dim as a uint32), then
 * the values. Files may be gzipped. A file that is short, long, or malformed
 * is an {@link IdxFormatError}, never a silent partial read.
 * @module
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { NNError, tensor, type Tensor, tensorFrom, type TypedArray } from '@nn/tensor';

/** An IDX file (or buffer) that is malformed, truncated or too long. */
export class IdxFormatError extends NNError {
  constructor(message: string, readonly source: string) {
    super(`${source}: ${message}`, 'readIdx');
  }
}

const TYPES: Record<number, { name: string; bytes: number; read: (v: DataView, at: number) => number }> = {
  0x08: { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at) },
  0x09: { name: 'int8', bytes: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { name: 'int16', bytes: 2, read: (v, at) => v.getInt16(at, false) },
  0x0c: { name: 'int32', bytes: 4, read: (v, at) => v.getInt32(at, false) },
  0x0d: { name: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at, false) },
  0x0e: { name: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at, false) },
};

/** A parsed IDX array: its shape, element type and values. */
export interface IdxArray {
  readonly shape: number[];
  /** The IDX element type: uint8, int8, int16, int32, float32 or float64. */
  readonly type: string;
  /** Integer types as Int32Array, float types as Float32Array/Float64Array; uint8 stays Uint8Array. */
  readonly values: Uint8Array | Int32Array | Float32Array | Float64Array;
}

/** Parses IDX bytes (gunzipping them first when they start with the gzip magic). */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new IdxFormatError(`gzip stream is corrupt or truncated (${(e as Error).message})`, source);
    }
  }
  if (bytes.length < 4) throw new IdxFormatError(`only ${bytes.length} bytes; an IDX header needs at least 4`, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(`bad magic number 0x${view.getUint32(0, false).toString(16).padStart(8, '0')}: the first two bytes must be zero`, source);
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined) throw new IdxFormatError(`unknown element type code 0x${bytes[2]!.toString(16)}`, source);
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new IdxFormatError(`truncated header: ${rank} dims need ${headerBytes} bytes, the file has ${bytes.length}`, source);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw new IdxFormatError(`${what}: shape [${shape.join(',')}] of ${type.name} needs ${expected} bytes, the file has ${bytes.length}`, source);
  }
  let values: IdxArray['values'];
  // a view, not a copy: the file's bytes are not held twice
  if (type.name === 'uint8') values = bytes.subarray(headerBytes, expected);
  else {
    values = type.name === 'float32' ? new Float32Array(count) : type.name === 'float64' ? new Float64Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) values[i] = type.read(view, headerBytes + i * type.bytes);
  }
  return { shape, type: type.name, values };
}

/** Reads an IDX file (gzipped or not) from disk. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new IdxFormatError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  return parseIdx(bytes, path);
}

/**
 * Reads an IDX file into a tensor: uint8 images become float32 scaled to
 * [0, 1] when `scale` is set, labels become int32.
 */
export function readIdx(path: string, { scale = false }: { scale?: boolean } = {}): Tensor {
  const { shape, type, values } = readIdxFile(path);
  if (type === 'uint8' || type === 'int8' || type === 'int16' || type === 'int32') {
    if (!scale) return tensorFrom(shape, 'int32', (out) => out.set(values));
    return tensorFrom(shape, 'float32', (out) => {
      for (let i = 0; i < values.length; i++) out[i] = values[i]! / 255;
    });
  }
  return tensor(values as TypedArray, shape);
}
