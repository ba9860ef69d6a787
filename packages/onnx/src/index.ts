/**
 * @nn/onnx: ONNX export (a model's forward pass traced through the op
 * registry) and import (an ONNX graph as a trainable nn Module).
 *
 * @example
 * ```ts
 * import { exportOnnx, importOnnx } from '@nn/onnx';
 * const bytes = exportOnnx(model, randn([1, 1, 28, 28]));
 * const again = importOnnx(bytes);          // an nn Module
 * ```
 * @packageDocumentation
 */
export { exportOnnx, saveOnnx, OPSETS, type ExportOptions } from './export.js';
export { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
export { decodeModel, encodeModel, type OnnxModelProto, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxAttribute, type OnnxValueInfo } from './proto.js';
export { importOnnx, OnnxModel, IMPORT_OPSETS, type OnnxInputSpec } from './import.js';
export { opTableMarkdown } from './op-table.js';
