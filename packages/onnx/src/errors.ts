/**
 * The errors of ONNX export and import.
 * @module
 */
import { NNError } from '@nn/tensor';

/** Bytes that are not an ONNX model (truncated, another format) or a model that breaks the spec. */
export class OnnxFormatError extends NNError {}

/** An op with no ONNX mapping (export), or an ONNX op or opset nn does not run (import). */
export class OnnxUnsupportedError extends NNError {}
