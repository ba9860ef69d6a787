/**
 * `exportOnnx`: a model's forward pass, traced through the registry, as an
 * ONNX graph. Every op run at the top level becomes ONNX nodes; ops on
 * constants only (batch norm folded into a convolution's weights in
 * `eval()`, say) are computed once and stored as initializers; parameters
 * keep their state-dict names.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { nodeFs } from '@nn/io';
import type { Module } from '@nn/layers-core';
import { fmtShape, getRegistry, type Tensor, tidy, traceOps, ValueError } from '@nn/tensor';
import { OnnxUnsupportedError } from './errors.js';
import { type ExportContext, EXPORTERS, exportsAsComposite } from './export-ops.js';
import { exportRecurrent, isRecurrentLayer } from './export-recurrent.js';
import { GraphBuilder } from './graph-builder.js';
import { encodeModel, type OnnxModelProto, type OnnxValueInfo, onnxType } from './proto.js';

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** ONNX opset (default 17; 13 to 21 are written). */
  opset?: number;
  /** Names of the graph inputs (default `input`, or `input0`, `input1`, ...). */
  inputNames?: string[];
  /** Names of the graph outputs (default `output`, ...). */
  outputNames?: string[];
  /**
   * Symbolic axes per input or output name, e.g. `{ input: { 0: 'batch' } }`.
   * Default: axis 0 of every input and output is `batch`; `false` fixes
   * every shape to the example's.
   */
  dynamicAxes?: Record<string, Record<number, string>> | false;
  /** Free text stored in the model's doc string. */
  docString?: string;
}

/** The opsets written. */
export const OPSETS = { min: 13, max: 21, default: 17 } as const;

/**
 * Hooks on the containers and recurrent layers: the module path names the
 * nodes; a recurrent layer is written as whole ONNX nodes, its own ops left
 * unrecorded. Leaf layers get no hooks, since a hook turns off the fusions
 * of eval mode (convolution + batch norm + ReLU) that the export keeps.
 */
function moduleHooks(model: Module, g: GraphBuilder): () => void {
  const stack: string[] = [];
  const hooked = model.namedModules().filter(([, m]) => isRecurrentLayer(m) || m.children().length > 0);
  const handles = hooked.flatMap(([name, m]) => {
    let input: Tensor | undefined;
    return [
      m.registerForwardPreHook((_, inputs) => {
        stack.push(name);
        g.scope = name;
        if (isRecurrentLayer(m)) {
          if (inputs.length !== 1) throw new OnnxUnsupportedError(`${m.constructor.name} '${name}' is exported with its input only (no initial states)`, 'exportOnnx');
          if (g.suppress === 0) input = inputs[0];
          g.suppress++;
        }
      }),
      m.registerForwardHook((_, __, output) => {
        if (isRecurrentLayer(m)) {
          g.suppress--;
          if (g.suppress === 0 && input !== undefined && g.isValue(input)) exportRecurrent(g, m, input, output);
          input = undefined;
        }
        stack.pop();
        g.scope = stack.at(-1) ?? '';
      }),
    ];
  });
  return () => handles.forEach((h) => h.remove());
}

/**
 * Exports `model` as ONNX bytes, tracing one forward pass on
 * `exampleInputs` in evaluation mode. The model's training mode is
 * restored afterwards.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx(lenet5(), randn([1, 1, 28, 28]));
 * ```
 */
export function exportOnnx(model: Module, exampleInputs: Tensor | readonly Tensor[], options: ExportOptions = {}): Uint8Array {
  const { opset = OPSETS.default, docString } = options;
  if (!Number.isInteger(opset) || opset < OPSETS.min || opset > OPSETS.max) throw new ValueError(`opset must be an integer from ${OPSETS.min} to ${OPSETS.max}, got ${opset}`, 'exportOnnx');
  const inputs = Array.isArray(exampleInputs) ? [...(exampleInputs as readonly Tensor[])] : [exampleInputs as Tensor];
  const inputNames = options.inputNames ?? inputs.map((_, i) => (inputs.length === 1 ? 'input' : `input${i}`));
  if (inputNames.length !== inputs.length) throw new ValueError(`${inputNames.length} inputNames for ${inputs.length} inputs`, 'exportOnnx');
  const parameterNames = new Map<Tensor, string>();
  for (const [name, p] of model.namedParameters()) parameterNames.set(p, name);
  for (const [name, b] of model.namedBuffers()) parameterNames.set(b, name);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() =>
      tidy(() => {
        const g = new GraphBuilder(parameterNames);
        inputs.forEach((x, i) => g.bindValue(x, inputNames[i]!));
        const dynamicAxes: Record<string, Record<number, string>> | false = options.dynamicAxes ?? Object.fromEntries([...inputNames, ...(options.outputNames ?? ['output'])].map((n): [string, Record<number, string>] => [n, { 0: 'batch' }]));
        const dynamicBatch = dynamicAxes !== false && inputNames.some((n) => dynamicAxes[n]?.[0] !== undefined);
        const pools: ExportContext['pools'] = new Map();
        const removeHooks = moduleHooks(model, g);
        let result: unknown;
        try {
          result = traceOps(
            (op, ins, outs, attrs) => {
              if (g.suppress > 0 || !ins.some((t) => g.isValue(t))) return; // inside a recurrent layer, or a constant: computed now, stored when read
              const exporter = EXPORTERS[op];
              if (exporter === undefined) throw new OnnxUnsupportedError(`op '${op}' (inputs ${ins.map((t) => fmtShape(t.shape)).join(', ')}) in module '${g.scope || '(top)'}' has no ONNX mapping and no composite form to export instead`, 'exportOnnx');
              exporter({
                g,
                opset,
                op,
                inputs: ins,
                outputs: outs,
                attrs,
                input: (i) => g.read(ins[i]!, `${g.scope ? `${g.scope}.` : ''}${op}.${getRegistry().op(op).inputs[i] ?? `input${i}`}`),
                output: (i) => g.output(outs[i]!, `${g.scope ? `${g.scope}.` : ''}${op}${i ? `.${i}` : ''}`),
                dynamicBatch,
                pools,
              });
            },
            () => model.call(...inputs),
            (op, attrs) => (EXPORTERS[op] === undefined || exportsAsComposite(op, attrs)) && getRegistry().op(op).composite !== undefined,
          );
        } finally {
          removeHooks();
        }
        const outputs = Array.isArray(result) ? (result as Tensor[]) : [result as Tensor];
        const outputNames = options.outputNames ?? outputs.map((_, i) => (outputs.length === 1 ? 'output' : `output${i}`));
        if (outputNames.length !== outputs.length) throw new ValueError(`${outputNames.length} outputNames for ${outputs.length} outputs`, 'exportOnnx');
        const renames = new Map<string, string>();
        outputs.forEach((t, i) => {
          if (!g.isValue(t)) throw new OnnxUnsupportedError(`output ${i} ${fmtShape(t.shape)} does not depend on the inputs`, 'exportOnnx');
          const name = g.read(t, '');
          if (inputNames.includes(name)) g.node('Identity', [name], [outputNames[i]!]);
          else renames.set(name, outputNames[i]!);
        });
        for (const node of g.nodes) {
          node.input = node.input.map((n) => renames.get(n) ?? n);
          node.output = node.output.map((n) => renames.get(n) ?? n);
        }
        dropUnusedOutputs(g, new Set(outputNames));
        const axes = dynamicAxes === false ? {} : dynamicAxes;
        const info = (name: string, t: Tensor): OnnxValueInfo => ({
          name,
          type: { tensorType: { elemType: onnxType(t.dtype), shape: { dim: t.shape.map((d, a) => (axes[name]?.[a] !== undefined ? { dimParam: axes[name]![a]! } : { dimValue: d })) } } },
        });
        const proto: OnnxModelProto = {
          irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8,
          opsetImport: [{ domain: '', version: opset }],
          producerName: 'nn',
          producerVersion: '0.1.0',
          graph: {
            name: model.constructor.name,
            node: g.nodes,
            initializer: g.initializers,
            input: inputs.map((t, i) => info(inputNames[i]!, t)),
            output: outputs.map((t, i) => info(outputNames[i]!, t)),
          },
          ...(docString ? { metadataProps: [{ key: 'doc', value: docString }] } : {}),
        };
        return encodeModel(proto);
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}

/** Leaves out trailing optional outputs nothing reads (the indices of a MaxPool whose switches are not used). */
function dropUnusedOutputs(g: GraphBuilder, graphOutputs: Set<string>): void {
  const read = new Set(g.nodes.flatMap((n) => n.input));
  for (const node of g.nodes) {
    if (node.opType !== 'MaxPool') continue;
    while (node.output.length > 1 && !read.has(node.output.at(-1)!) && !graphOutputs.has(node.output.at(-1)!)) node.output.pop();
  }
}

/** {@link exportOnnx} to a file. */
export function saveOnnx(path: string, model: Module, exampleInputs: Tensor | readonly Tensor[], options: ExportOptions = {}): void {
  nodeFs('saveOnnx').writeFileSync(path, exportOnnx(model, exampleInputs, options));
}
