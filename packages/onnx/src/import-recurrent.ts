/**
 * ONNX `RNN`, `LSTM` and `GRU` nodes run with nn ops, step by step, in
 * ONNX's gate order (LSTM i, o, f, c; GRU z, r, h), so that imported
 * recurrent models run and train on every backend.
 * @module
 */
import { matmul, stack, type Tensor, zeros } from '@nn/tensor';
import { OnnxUnsupportedError } from './errors.js';
import type { NodeContext } from './import-ops.js';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

function refuse(c: NodeContext, what: string): never {
  throw new OnnxUnsupportedError(`${c.node.opType} node '${c.node.name ?? c.node.output[0]}' (opset ${c.opset}): ${what}`, 'importOnnx');
}

/** a · bᵀ. */
const mmT = (a: Tensor, b: Tensor) => matmul(a, b, { transposeB: true });

/** The H-row block `k` of a [G·H, ·] matrix or [G·H] vector. */
const block = (t: Tensor, k: number, H: number) => t.slice([k * H], [(k + 1) * H]);

/** Runs one ONNX recurrent node. */
export function recurrent(kind: Kind): (c: NodeContext) => Tensor[] {
  return (c) => {
    const layout = c.attr.int('layout', 0);
    let X = c.need(0);
    if (layout === 1) X = X.transpose(0, 1);
    const W = c.need(1), R = c.need(2);
    const H = c.attr.int('hidden_size', R.shape[2]!);
    const G = GATES[kind];
    const direction = c.attr.string('direction', 'forward');
    const D = direction === 'bidirectional' ? 2 : 1;
    if (c.input(4) !== undefined) {
      const lens = c.ints(4)!;
      if (lens.some((l) => l !== X.shape[0])) refuse(c, 'sequence_lens shorter than the sequence (pad-free batches only)');
    }
    if (c.attr.has('clip')) refuse(c, 'clip');
    if (kind === 'LSTM' && (c.input(7) !== undefined || c.attr.int('input_forget', 0) !== 0)) refuse(c, 'peepholes or input_forget');
    const acts = c.attr.string('activations', '');
    const rnnRelu = kind === 'RNN' && (c.node.attribute?.find((a) => a.name === 'activations')?.strings ?? []).some((s) => new TextDecoder().decode(s) === 'Relu');
    if (acts !== '' && kind !== 'RNN') refuse(c, 'activations other than the defaults');
    const [T, N] = [X.shape[0]!, X.shape[1]!];
    const B = c.input(3);
    const h0 = c.input(5), c0 = kind === 'LSTM' ? c.input(6) : undefined;
    const ys: Tensor[] = [], hs: Tensor[] = [], cs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const w = W.index(d), r = R.index(d);
      const b = B?.index(d);
      const wb = b ? b.slice([0], [G * H]) : undefined, rb = b ? b.slice([G * H], [2 * G * H]) : undefined;
      // Input projections of every step in one matmul: [T·N, I] · Wᵀ → [T, N, G·H].
      let xp = mmT(X.reshape([T * N, X.shape[2]!]), w);
      if (wb && !(kind === 'GRU')) xp = xp.add(wb.add(rb!));
      else if (wb) xp = xp.add(wb);
      const proj = xp.reshape([T, N, G * H]);
      let h = h0 ? h0.index(d) : zeros([N, H], X.dtype);
      let cell = c0 ? c0.index(d) : zeros([N, H], X.dtype);
      const out: Tensor[] = new Array(T);
      const reverse = direction === 'reverse' || d === 1;
      const linearBeforeReset = c.attr.int('linear_before_reset', 0) === 1;
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const a = proj.index(t);
        if (kind === 'LSTM') {
          const z = a.add(mmT(h, r));
          const [i, o, f, g] = [0, 1, 2, 3].map((k) => z.slice([0, k * H], [N, (k + 1) * H]));
          cell = f!.sigmoid().mul(cell).add(i!.sigmoid().mul(g!.tanh()));
          h = o!.sigmoid().mul(cell.tanh());
        } else if (kind === 'GRU') {
          const hzr = mmT(h, r.slice([0], [2 * H]));
          const zr = a.slice([0, 0], [N, 2 * H]).add(rb ? hzr.add(rb.slice([0], [2 * H])) : hzr);
          const zt = zr.slice([0, 0], [N, H]).sigmoid(), rt = zr.slice([0, H], [N, 2 * H]).sigmoid();
          const rh = block(r, 2, H), rbh = rb ? block(rb, 2, H) : undefined;
          const ax = a.slice([0, 2 * H], [N, 3 * H]);
          const recur = linearBeforeReset ? rt.mul(rbh ? mmT(h, rh).add(rbh) : mmT(h, rh)) : (() => {
            const m = mmT(rt.mul(h), rh);
            return rbh ? m.add(rbh) : m;
          })();
          const n = ax.add(recur).tanh();
          h = zt.neg().add(1).mul(n).add(zt.mul(h));
        } else {
          const z = a.add(mmT(h, r));
          h = rnnRelu ? z.relu() : z.tanh();
        }
        out[t] = h;
      }
      ys.push(stack(out, 0)); // [T, N, H]
      hs.push(h);
      cs.push(cell);
    }
    let Y = stack(ys, 1); // [T, D, N, H]
    let Yh = stack(hs, 0);
    if (layout === 1) {
      Y = Y.permute([2, 0, 1, 3]);
      Yh = Yh.transpose(0, 1);
    }
    const results = [Y, Yh];
    if (kind === 'LSTM') results.push(layout === 1 ? stack(cs, 0).transpose(0, 1) : stack(cs, 0));
    return results;
  };
}
