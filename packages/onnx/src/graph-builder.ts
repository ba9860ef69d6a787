/**
 * Builds an ONNX graph while a model's forward pass is traced: names for
 * tensors, initializers for the constants the graph reads, and nodes.
 * @module
 */
import type { Tensor } from '@nn/tensor';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './proto.js';
import { int64Proto, tensorProto, tensorToProto } from './proto.js';
import { AttributeType, DataType } from './schema.js';

/** An attribute value, tagged with its ONNX type. */
export type AttrValue = { int: number } | { float: number } | { ints: readonly number[] } | { floats: readonly number[] } | { string: string } | { strings: readonly string[] } | { tensor: OnnxTensor };

/** Attribute helpers: `int(1)`, `ints([1, 1])`, ... */
export const int = (v: number): AttrValue => ({ int: v });
export const ints = (v: readonly number[]): AttrValue => ({ ints: v });
export const float = (v: number): AttrValue => ({ float: v });

function attribute(name: string, v: AttrValue): OnnxAttribute {
  if ('int' in v) return { name, type: AttributeType.INT, i: v.int };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  if ('ints' in v) return { name, type: AttributeType.INTS, ints: [...v.ints] };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: [...v.floats] };
  if ('string' in v) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.string) };
  if ('strings' in v) return { name, type: AttributeType.STRINGS, strings: v.strings.map((t) => new TextEncoder().encode(t)) };
  return { name, type: AttributeType.TENSOR, t: v.tensor };
}

/** The graph under construction. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  /** The value name of each tensor the graph has seen. */
  private readonly names = new Map<Tensor, string>();
  private readonly used = new Set<string>();
  /** The name of the module whose forward pass is running (node names). */
  scope = '';
  /** Above 0 inside a module written as a whole (a recurrent layer): its own ops are not recorded. */
  suppress = 0;

  constructor(private readonly parameterNames: Map<Tensor, string>) {}

  /** A name not used yet, from a hint. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** True when the tensor is a value of the graph (an input, or computed from one). */
  isValue(t: Tensor): boolean {
    return this.names.has(t) && !this.constants.has(t);
  }

  private readonly constants = new Set<Tensor>();

  /** Names `t` as a graph value (a graph input, or an op's output). */
  bindValue(t: Tensor, name: string): string {
    this.names.set(t, name);
    this.used.add(name);
    return name;
  }

  /** A fresh value name for an op's output. */
  output(t: Tensor, hint: string): string {
    return this.bindValue(t, this.fresh(hint));
  }

  /**
   * The name under which the graph reads `t`: its value name, or an
   * initializer holding its current data (a parameter keeps its state-dict
   * name; other constants are named after the node reading them).
   */
  read(t: Tensor, hint: string): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const name = this.fresh(this.parameterNames.get(t) ?? hint);
    this.initializers.push(tensorToProto(name, t));
    this.names.set(t, name);
    this.constants.add(t);
    return name;
  }

  /** An int64 initializer (shapes, axes, pads). */
  int64(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    this.initializers.push(int64Proto(name, values, dims));
    return name;
  }

  /** A scalar initializer of the given ONNX element type. */
  scalar(hint: string, value: number, dataType: number): string {
    const name = this.fresh(hint);
    const values = dataType === DataType.DOUBLE ? Float64Array.of(value) : dataType === DataType.INT32 ? Int32Array.of(value) : Float32Array.of(value);
    this.initializers.push(tensorProto(name, [], dataType, values));
    return name;
  }

  /** Adds a node; returns its output names. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): readonly string[] {
    const attribute_ = Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [attribute(k, v)]));
    this.nodes.push({ opType, input: [...inputs], output: [...outputs], name: this.fresh(`${this.scope ? `${this.scope}/` : ''}${opType}`), ...(attribute_.length ? { attribute: attribute_ } : {}) });
    return outputs;
  }

  /** Adds a node with one fresh output; returns its name. */
  node1(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    const out = this.fresh(`${this.scope ? `${this.scope}.` : ''}${opType.toLowerCase()}`);
    this.node(opType, inputs, [out], attrs);
    return out;
  }
}
