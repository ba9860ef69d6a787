/**
 * nn's RNN, LSTM and GRU layers as ONNX `RNN` / `LSTM` / `GRU` nodes, one
 * per layer, instead of their unrolled time steps. The gates are reordered:
 * PyTorch's (and nn's) LSTM rows are i, f, g, o and ONNX's i, o, f, c; GRU
 * rows are r, z, n in PyTorch and z, r, h in ONNX (with
 * `linear_before_reset = 1`, PyTorch's form of the candidate).
 * @module
 */
import { GRU, LSTM, RNN, type RNNCell } from '@nn/layers-recurrent';
import { concat, type Tensor, zeros } from '@nn/tensor';
import { type GraphBuilder, int, ints } from './graph-builder.js';

/** The recurrent layer types exported as whole nodes. */
export type RecurrentLayer = RNN | LSTM | GRU;

/**
 * True for the layers that {@link exportRecurrent} writes. An RNN with leaky
 * units has no ONNX node form: it is traced step by step like any module.
 */
export function isRecurrentLayer(m: unknown): m is RecurrentLayer {
  if (m instanceof RNN) return m.cells.every((c) => (c as RNNCell).leak === 1 && (c as RNNCell).leakLogit === null);
  return m instanceof LSTM || m instanceof GRU;
}

/** Gate blocks of H rows, from PyTorch's order to ONNX's. */
const ORDER = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] } as const;

function reorder(w: Tensor, order: readonly number[], H: number): Tensor {
  return concat(order.map((g) => w.slice([g * H], [(g + 1) * H])), 0);
}

/**
 * Writes `layer` applied to the graph value `x` (its input tensor) as ONNX
 * nodes whose result is bound to `output`.
 */
export function exportRecurrent(g: GraphBuilder, layer: RecurrentLayer, x: Tensor, output: Tensor): void {
  const kind = layer instanceof LSTM ? 'LSTM' : layer instanceof GRU ? 'GRU' : 'RNN';
  const H = layer.hiddenSize, D = layer.directions;
  const scope = g.scope;
  const axes = (values: number[]) => g.int64(`${scope}.axes`, values);
  let input = g.read(x, `${scope}.input`);
  if (layer.batchFirst) input = g.node1('Transpose', [input], { perm: ints([1, 0, 2]) });
  for (let l = 0; l < layer.numLayers; l++) {
    const cells = layer.cells.slice(l * D, (l + 1) * D);
    const gates = cells[0]!.gates;
    const stackDirections = (pick: (c: (typeof cells)[number]) => Tensor) => concat(cells.map((c) => reorder(pick(c), ORDER[kind], H).reshape([1, gates * H, -1])), 0);
    const W = g.read(stackDirections((c) => c.weightIh), `${scope}.W_l${l}`);
    const R = g.read(stackDirections((c) => c.weightHh), `${scope}.R_l${l}`);
    const bias = (b: Tensor | null) => b ?? zeros([gates * H]);
    const B = g.read(concat(cells.map((c) => concat([reorder(bias(c.biasIh), ORDER[kind], H), reorder(bias(c.biasHh), ORDER[kind], H)], 0).reshape([1, 2 * gates * H])), 0), `${scope}.B_l${l}`);
    const attrs = {
      hidden_size: int(H),
      direction: { string: D === 2 ? 'bidirectional' : 'forward' },
      ...(kind === 'GRU' ? { linear_before_reset: int(1) } : {}),
      ...(kind === 'RNN' ? { activations: { strings: Array(D).fill((cells[0] as RNNCell).nonlinearity === 'relu' ? 'Relu' : 'Tanh') } } : {}),
    };
    const y = g.fresh(`${scope}.Y_l${l}`);
    g.node(kind, [input, W, R, B], [y], attrs);
    // Y is [T, D, N, H]: to [T, N, D·H].
    input = D === 1 ? g.node1('Squeeze', [y, axes([1])]) : g.node1('Reshape', [g.node1('Transpose', [y], { perm: ints([0, 2, 1, 3]) }), g.int64(`${scope}.shape`, [0, 0, -1])]);
  }
  if (layer.batchFirst) input = g.node1('Transpose', [input], { perm: ints([1, 0, 2]) });
  g.node('Identity', [input], [g.output(output, `${scope}.output`)]);
}
