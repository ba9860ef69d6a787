/**
 * `importOnnx`: an ONNX graph as an nn Module that runs the graph with nn
 * ops on any backend. Float initializers become Parameters (under their
 * ONNX names), so an imported model trains with nn's optimizers and saves
 * as a state dict.
 * @module
 */
import { nodeFs } from '@nn/io';
import { convPlugin } from '@nn/layers-conv';
import { Module, Parameter } from '@nn/layers-core';
import { DTypeError, fmtShape, isFloat, keep, ShapeError, type Tensor, use, ValueError } from '@nn/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
import { AttrReader, checkOutputCount, IMPORTERS, type NodeContext } from './import-ops.js';
import { decodeModel, type OnnxModelProto, type OnnxNode, type OnnxValueInfo, protoToTensor } from './proto.js';

/** The opsets whose ops nn reads (older forms included). */
export const IMPORT_OPSETS = { min: 7, max: 21 } as const;

const ELEM_DTYPE: Record<number, string> = { 1: 'float32', 11: 'float64', 6: 'int32', 7: 'int64', 9: 'bool' };

/** A graph input: its name, element type and dims (a string for a symbolic dim). */
export interface OnnxInputSpec {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

function inputSpec(v: OnnxValueInfo): OnnxInputSpec {
  const t = v.type?.tensorType;
  return { name: v.name, elemType: t?.elemType ?? 1, dims: (t?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? '?') };
}

/** Activations that a convolution or Gemm takes fused. */
const FUSABLE: Record<string, string> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh' };

/** An imported ONNX graph, run with nn ops. */
export class OnnxModel extends Module {
  /** The opset of the default domain. */
  readonly opset: number;
  /** The graph's inputs (initializers listed as inputs, as older exporters do, left out). */
  readonly inputs: OnnxInputSpec[];
  /** The graph's output names. */
  readonly outputNames: string[];
  /** Who wrote the model. */
  readonly producer: string;
  private readonly nodes: OnnxNode[];
  private readonly constants = new Map<string, Tensor>();
  private readonly parameterNames = new Map<string, string>();
  /** Nodes that run with a fused activation, and the activations folded into them (by node index). */
  private readonly fused = new Map<number, { op: string }>();
  private readonly skipped = new Set<number>();
  private readonly aliases = new Map<string, string>();

  constructor(model: OnnxModelProto) {
    super();
    use(convPlugin);
    const opset = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
    if (opset === undefined) throw new OnnxFormatError('the model imports no opset of the default ONNX domain', 'importOnnx');
    if (opset < IMPORT_OPSETS.min || opset > IMPORT_OPSETS.max) throw new OnnxUnsupportedError(`opset ${opset}: nn imports opsets ${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max}`, 'importOnnx');
    this.opset = opset;
    this.producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
    const graph = model.graph;
    this.nodes = graph.node;
    const unknown = this.nodes.filter((n) => (n.domain ?? '') !== '' && n.domain !== 'ai.onnx' ? true : IMPORTERS[n.opType] === undefined);
    if (unknown.length > 0) {
      const list = unknown.slice(0, 8).map((n) => `${n.domain ? `${n.domain}.` : ''}${n.opType} (node '${n.name ?? n.output[0]}')`);
      throw new OnnxUnsupportedError(`unsupported op${unknown.length > 1 ? 's' : ''} at opset ${opset}: ${list.join(', ')}${unknown.length > 8 ? `, and ${unknown.length - 8} more` : ''}`, 'importOnnx');
    }
    const taken = new Set(Object.keys(this));
    for (const init of graph.initializer ?? []) {
      const name = init.name ?? '';
      const t = protoToTensor(init);
      if (isFloat(t.dtype)) {
        let key = name;
        while (taken.has(key) || key in this) key = `onnx_${key}`;
        taken.add(key);
        (this as unknown as Record<string, Parameter>)[key] = new Parameter(t);
        this.parameterNames.set(name, key);
        t.dispose();
      } else {
        this.constants.set(name, keep(t));
      }
    }
    const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    this.inputs = (graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(inputSpec);
    this.outputNames = (graph.output ?? []).map((v) => v.name);
    if (this.outputNames.length === 0) throw new OnnxFormatError('the graph has no outputs', 'importOnnx');
    this.fuseActivations();
  }

  /** Conv or Gemm whose only reader is a Relu/Sigmoid/Tanh: run as one fused op. */
  private fuseActivations(): void {
    const readers = new Map<string, number[]>();
    this.nodes.forEach((n, i) => n.input.forEach((name) => readers.set(name, [...(readers.get(name) ?? []), i])));
    const outputs = new Set(this.outputNames);
    this.nodes.forEach((n, i) => {
      if ((n.opType !== 'Conv' || n.input.length < 3) && n.opType !== 'Gemm') return;
      const out = n.output[0]!;
      const r = readers.get(out);
      if (outputs.has(out) || r === undefined || r.length !== 1) return;
      const next = this.nodes[r[0]!]!;
      const act = FUSABLE[next.opType];
      if (act === undefined) return;
      this.fused.set(i, { op: act });
      this.skipped.add(r[0]!);
      this.aliases.set(next.output[0]!, out);
    });
  }

  /** The first output of the graph for the given inputs (in the order of {@link OnnxModel.inputs}). */
  forward(...inputs: Tensor[]): Tensor {
    return this.runGraph(inputs)[this.outputNames[0]!]!;
  }

  /** Every graph output, by name. */
  runAll(...inputs: Tensor[]): Record<string, Tensor> {
    return this.runGraph(inputs);
  }

  private checkInputs(inputs: Tensor[]): void {
    if (inputs.length !== this.inputs.length) {
      throw new ValueError(`the graph takes ${this.inputs.length} input${this.inputs.length === 1 ? '' : 's'} (${this.inputs.map((i) => i.name).join(', ')}), got ${inputs.length}`, 'OnnxModel');
    }
    inputs.forEach((x, i) => {
      const spec = this.inputs[i]!;
      const want = ELEM_DTYPE[spec.elemType] ?? `ONNX type ${spec.elemType}`;
      const ok = want === x.dtype || (want === 'int64' && x.dtype === 'int32');
      if (!ok) throw new DTypeError(`input '${spec.name}' must be ${want === 'int64' ? 'int32 (for int64)' : want}, got ${x.dtype} ${fmtShape(x.shape)}`, 'OnnxModel');
      const fits = spec.dims.length === x.rank && spec.dims.every((d, a) => typeof d === 'string' || d === x.shape[a]);
      if (spec.dims.length > 0 && !fits) throw new ShapeError(`input '${spec.name}' must be [${spec.dims.join(', ')}], got ${fmtShape(x.shape)}`, 'OnnxModel');
    });
  }

  private runGraph(inputs: Tensor[]): Record<string, Tensor> {
    this.checkInputs(inputs);
    const values = new Map<string, Tensor>();
    this.inputs.forEach((spec, i) => values.set(spec.name, inputs[i]!));
    const lookup = (name: string): Tensor | undefined => {
      const n = this.aliases.get(name) ?? name;
      const key = this.parameterNames.get(n);
      return values.get(n) ?? (key !== undefined ? (this as unknown as Record<string, Tensor>)[key] : undefined) ?? this.constants.get(n);
    };
    this.nodes.forEach((node, index) => {
      if (this.skipped.has(index)) return;
      const input = (i: number) => {
        const name = node.input[i];
        if (name === undefined || name === '') return undefined;
        const t = lookup(name);
        if (t === undefined) throw new OnnxFormatError(`${node.opType} node '${node.name ?? node.output[0]}' reads '${name}', which nothing before it computes`, 'importOnnx');
        return t;
      };
      const ctx: NodeContext = {
        node,
        opset: this.opset,
        input,
        need: (i) => input(i) ?? (() => {
          throw new OnnxFormatError(`${node.opType} node '${node.name ?? node.output[0]}' lacks its input ${i}`, 'importOnnx');
        })(),
        ints: (i) => {
          const t = input(i);
          return t === undefined ? undefined : Array.from(t.dataSync() as ArrayLike<number>, Number);
        },
        attr: new AttrReader(node),
        outputs: node.output.filter((n) => n !== '').length,
        activation: this.fused.get(index) ?? null,
      };
      const result = IMPORTERS[node.opType]!(ctx);
      const outs = Array.isArray(result) ? result : [result];
      checkOutputCount(node, outs.length);
      node.output.forEach((name, i) => name !== '' && outs[i] !== undefined && values.set(name, outs[i]!));
    });
    return Object.fromEntries(this.outputNames.map((n) => [n, lookup(n) ?? (() => {
      throw new OnnxFormatError(`graph output '${n}' is computed by no node`, 'importOnnx');
    })()]));
  }

  /** Releases the constants (parameters go with {@link Module.dispose}). */
  override dispose(): void {
    for (const t of this.constants.values()) t.dispose();
    super.dispose();
  }
}

/** Reads an ONNX model (bytes, or a file path in Node) as an {@link OnnxModel}. */
export function importOnnx(source: Uint8Array | string): OnnxModel {
  const bytes = typeof source === 'string' ? nodeFs('importOnnx').readFileSync(source) : source;
  return new OnnxModel(decodeModel(bytes));
}
