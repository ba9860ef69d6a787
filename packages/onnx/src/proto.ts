/**
 * ONNX models as plain objects: decoding and encoding the protobuf, and
 * tensors in and out of TensorProto.
 * @module
 */
import { type DType, fmtShape, tensor, type Tensor } from '@nn/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
import { DataType, ModelProto } from './schema.js';

/** An attribute of a node, decoded. */
export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** A node of the graph. */
export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

/** A TensorProto, decoded. */
export interface OnnxTensor {
  name?: string;
  dims?: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  dataLocation?: number;
}

/** A graph input or output: name, element type and dims (a string for a symbolic dim such as the batch). */
export interface OnnxValueInfo {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}

/** The graph. */
export interface OnnxGraph {
  node: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
}

/** A ModelProto, decoded. */
export interface OnnxModelProto {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  graph: OnnxGraph;
  metadataProps?: { key: string; value: string }[];
}

/** Encodes a model to ONNX bytes. */
export function encodeModel(model: OnnxModelProto): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Decodes ONNX bytes; anything that is not a ModelProto with a graph is an {@link OnnxFormatError}. */
export function decodeModel(bytes: Uint8Array): OnnxModelProto {
  let decoded;
  try {
    decoded = ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(`not an ONNX model (${bytes.length} bytes): the protobuf does not decode (${(e as Error).message}); is the file truncated or of another format?`, 'importOnnx');
  }
  const model = ModelProto.toObject(decoded, { longs: Number, arrays: true, defaults: false }) as Partial<OnnxModelProto>;
  if (model.graph === undefined || model.opsetImport === undefined || model.opsetImport.length === 0) {
    throw new OnnxFormatError(`not an ONNX model (${bytes.length} bytes): ${model.graph === undefined ? 'no graph' : 'no opset_import'}`, 'importOnnx');
  }
  model.graph.node ??= [];
  return model as OnnxModelProto;
}

const ONNX_OF_DTYPE: Record<string, number> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, bool: DataType.BOOL };

/** The ONNX element type of an nn dtype. */
export function onnxType(dtype: DType): number {
  const t = ONNX_OF_DTYPE[dtype];
  if (t === undefined) throw new OnnxUnsupportedError(`dtype ${dtype} has no ONNX element type here`, 'exportOnnx');
  return t;
}

/** A TensorProto of raw little-endian values. */
export function tensorProto(name: string, dims: readonly number[], dataType: number, values: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array): OnnxTensor {
  return { name, dims: [...dims], dataType, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** An nn tensor as a TensorProto. */
export function tensorToProto(name: string, t: Tensor): OnnxTensor {
  const data = t.dataSync();
  const values = t.dtype === 'bool' ? Uint8Array.from(data as ArrayLike<number>) : (data as Float32Array | Float64Array | Int32Array);
  return tensorProto(name, t.shape, onnxType(t.dtype), values);
}

/** An int64 TensorProto (shapes, axes, pads). */
export function int64Proto(name: string, values: readonly number[], dims: readonly number[] = [values.length]): OnnxTensor {
  return tensorProto(name, dims, DataType.INT64, BigInt64Array.from(values, (v) => BigInt(v)));
}

/** The values of a TensorProto, with the nn dtype they load as (int64 as int32, checked to fit). */
export function protoValues(p: OnnxTensor): { dims: number[]; dtype: DType; values: Float32Array | Float64Array | Int32Array | Uint8Array } {
  const dims = p.dims ?? [];
  const size = dims.reduce((a, d) => a * d, 1);
  const where = `tensor '${p.name ?? ''}' ${fmtShape(dims)}`;
  if (p.dataLocation === 1) throw new OnnxUnsupportedError(`${where} keeps its data in an external file; load models with their weights inside`, 'importOnnx');
  const raw = p.rawData !== undefined && p.rawData.length > 0 ? p.rawData : undefined;
  // Copy raw bytes to an aligned buffer of their own.
  const bytes = (n: number) => {
    if (raw!.length !== n * size) throw new OnnxFormatError(`${where} has ${raw!.length} bytes of data, expected ${n * size}`, 'importOnnx');
    const copy = new Uint8Array(raw!.length); // (a Buffer's slice() is a view, not a copy)
    copy.set(raw!);
    return copy.buffer;
  };
  const checked = <T extends { length: number }>(v: T): T => {
    if (v.length !== size) throw new OnnxFormatError(`${where} has ${v.length} values, expected ${size}`, 'importOnnx');
    return v;
  };
  switch (p.dataType) {
    case DataType.FLOAT:
      return { dims, dtype: 'float32', values: raw ? new Float32Array(bytes(4)) : checked(Float32Array.from(p.floatData ?? [])) };
    case DataType.DOUBLE:
      return { dims, dtype: 'float64', values: raw ? new Float64Array(bytes(8)) : checked(Float64Array.from(p.doubleData ?? [])) };
    case DataType.INT32:
      return { dims, dtype: 'int32', values: raw ? new Int32Array(bytes(4)) : checked(Int32Array.from(p.int32Data ?? [])) };
    case DataType.INT64: {
      const wide = raw ? Array.from(new BigInt64Array(bytes(8)), Number) : checked(p.int64Data ?? []);
      // int64 values beyond int32 are clamped (INT64_MAX as a Slice end means "to the end").
      return { dims, dtype: 'int32', values: Int32Array.from(wide, (v) => Math.max(-2147483648, Math.min(2147483647, v))) };
    }
    case DataType.BOOL:
    case DataType.UINT8:
      return { dims, dtype: p.dataType === DataType.BOOL ? 'bool' : 'int32', values: raw ? new Uint8Array(bytes(1)) : checked(Uint8Array.from(p.int32Data ?? [])) };
    default:
      throw new OnnxUnsupportedError(`${where} has ONNX element type ${p.dataType}, which nn does not load (float, double, int32, int64, bool, uint8)`, 'importOnnx');
  }
}

/** A TensorProto as an nn tensor. */
export function protoToTensor(p: OnnxTensor): Tensor {
  const { dims, dtype, values } = protoValues(p);
  return tensor(dtype === 'int32' && values instanceof Uint8Array ? Int32Array.from(values) : values, dims, dtype);
}
