/**
 * The fused recurrent cell ops: the gate arithmetic of an LSTM and a GRU
 * step as one op each, and a backward op for each. Every one is a
 * composite written in ops, so any backend runs it; @nn/layers-recurrent
 * registers fused cpu kernels and the gradients, other backends kernels of
 * their own. Gate layout is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).
 * The IndRNN step (Li et al. 2018) has no gates: each hidden unit feeds back
 * only to itself, h' = f(xp + u ⊙ h).
 * @module
 */
import type { TensorMeta } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { defineOp } from '../op-handle.js';
import type { OpDef } from '../registry.js';
import type { Tensor } from '../tensor.js';
import { concat } from './layout.js';

function checkFloat(op: string, metas: readonly TensorMeta[], names: readonly string[]): void {
  metas.forEach((m, i) => {
    if (!isFloat(m.dtype)) throw new DTypeError(`${names[i]} (shape ${fmtShape(m.shape)}) must be float32 or float64, got ${m.dtype}`, op);
    if (m.dtype !== metas[0]!.dtype) throw new DTypeError(`inputs must share a dtype: ${names[0]} is ${metas[0]!.dtype}, ${names[i]} is ${m.dtype}`, op);
  });
}

/** Checks that every meta is [B, k·H] for its multiple k, and returns [B, H]. */
function checkGates(op: string, metas: readonly TensorMeta[], names: readonly string[], multiples: readonly number[]): [number, number] {
  checkFloat(op, metas, names);
  const first = metas[0]!.shape;
  const B = first[0]!, H = first[1]! / multiples[0]!;
  metas.forEach((m, i) => {
    const want = [B, multiples[i]! * H];
    if (m.shape.length !== 2 || m.shape[0] !== B || m.shape[1] !== want[1] || !Number.isInteger(H)) {
      throw new ShapeError(`${names[i]} must be ${fmtShape(want)} (batch x ${multiples[i]} x hidden) to go with ${names[0]} ${fmtShape(first)}, got ${fmtShape(m.shape)}`, op);
    }
  });
  return [B, H];
}

/** LSTM step from pre-activation gates [B, 4H] and c [B, H]: returns [h', c']. */
function lstmComposite([gates, c]: Tensor[]): Tensor[] {
  const [i, f, g, o] = gates!.split(gates!.shape[1]! / 4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
}

/** Cotangents of gates and c from those of h' and c' (the LSTM cell's backward pass). */
function lstmBackwardComposite([gates, c, dh, dcNext]: Tensor[]): Tensor[] {
  const [ia, fa, ga, oa] = gates!.split(gates!.shape[1]! / 4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const i = ia.sigmoid(), f = fa.sigmoid(), g = ga.tanh(), o = oa.sigmoid();
  const cNext = f.mul(c!).add(i.mul(g));
  const tc = cNext.tanh();
  const dc = dcNext!.add(dh!.mul(o).mul(tc.square().neg().add(1)));
  const di = dc.mul(g).mul(i.mul(i.neg().add(1)));
  const df = dc.mul(c!).mul(f.mul(f.neg().add(1)));
  const dg = dc.mul(i).mul(g.square().neg().add(1));
  const dO = dh!.mul(tc).mul(o.mul(o.neg().add(1)));
  return [concat([di, df, dg, dO], 1), dc.mul(f)];
}

const lstmCellOp = defineOp({
  name: 'lstmCell',
  inputs: ['gates', 'c'],
  infer([gates, c]) {
    const [B, H] = checkGates('lstmCell', [gates!, c!], ['gates', 'c'], [4, 1]);
    return [{ shape: [B, H], dtype: gates!.dtype }, { shape: [B, H], dtype: gates!.dtype }];
  },
  composite: lstmComposite,
});

const lstmCellBackwardOp = defineOp({
  name: 'lstmCellBackward',
  inputs: ['gates', 'c', 'dh', 'dc'],
  infer([gates, c, dh, dc]) {
    checkGates('lstmCellBackward', [gates!, c!, dh!, dc!], ['gates', 'c', 'dh', 'dc'], [4, 1, 1, 1]);
    return [{ shape: [...gates!.shape], dtype: gates!.dtype }, { shape: [...c!.shape], dtype: c!.dtype }];
  },
  composite: lstmBackwardComposite,
  // Run only where no gradient is being recorded (see `backward` below).
  nondifferentiable: true,
});

/** GRU step from the input projection xp [B, 3H], the state projection hp [B, 3H] and h [B, H]: returns h'. */
function gruComposite([xp, hp, h]: Tensor[]): Tensor[] {
  const H = h!.shape[1]!;
  const [xr, xz, xn] = xp!.split(H, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hp!.split(H, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [z.neg().add(1).mul(n).add(z.mul(h!))];
}

/** Cotangents of xp, hp and h from that of h' (the GRU cell's backward pass). */
function gruBackwardComposite([xp, hp, h, dhNext]: Tensor[]): Tensor[] {
  const H = h!.shape[1]!;
  const [xr, xz, xn] = xp!.split(H, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hp!.split(H, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  const dan = dhNext!.mul(z.neg().add(1)).mul(n.square().neg().add(1));
  const dar = dan.mul(hn).mul(r.mul(r.neg().add(1)));
  const daz = dhNext!.mul(h!.sub(n)).mul(z.mul(z.neg().add(1)));
  return [concat([dar, daz, dan], 1), concat([dar, daz, dan.mul(r)], 1), dhNext!.mul(z)];
}

const gruCellOp = defineOp({
  name: 'gruCell',
  inputs: ['xp', 'hp', 'h'],
  infer([xp, hp, h]) {
    const [B, H] = checkGates('gruCell', [xp!, hp!, h!], ['xp', 'hp', 'h'], [3, 3, 1]);
    return [{ shape: [B, H], dtype: xp!.dtype }];
  },
  composite: gruComposite,
});

const gruCellBackwardOp = defineOp({
  name: 'gruCellBackward',
  inputs: ['xp', 'hp', 'h', 'dh'],
  infer([xp, hp, h, dh]) {
    checkGates('gruCellBackward', [xp!, hp!, h!, dh!], ['xp', 'hp', 'h', 'dh'], [3, 3, 1, 1]);
    return [{ shape: [...xp!.shape], dtype: xp!.dtype }, { shape: [...hp!.shape], dtype: xp!.dtype }, { shape: [...h!.shape], dtype: xp!.dtype }];
  },
  composite: gruBackwardComposite,
  nondifferentiable: true,
});

/** The nonlinearity of an IndRNN step. */
export type IndRnnNonlinearity = 'relu' | 'tanh';

/** Attributes of the IndRNN ops. */
export interface IndRnnAttrs {
  [key: string]: unknown;
  /** f in h' = f(xp + u ⊙ h); default 'relu', as the paper. */
  nonlinearity?: IndRnnNonlinearity;
}

function checkIndRnn(op: string, metas: readonly TensorMeta[], names: readonly string[], attrs: IndRnnAttrs): [number, number] {
  checkFloat(op, metas, names);
  const [xp, u] = metas as [TensorMeta, TensorMeta];
  if (xp.shape.length !== 2) throw new ShapeError(`xp must be [batch, hidden], got ${fmtShape(xp.shape)}`, op);
  const [B, H] = xp.shape as [number, number];
  if (u.shape.length !== 1 || u.shape[0] !== H) throw new ShapeError(`u must be [${H}] (one recurrent weight per hidden unit) to go with xp ${fmtShape(xp.shape)}, got ${fmtShape(u.shape)}`, op);
  metas.slice(2).forEach((m, i) => {
    if (m.shape.length !== 2 || m.shape[0] !== B || m.shape[1] !== H) {
      throw new ShapeError(`${names[i + 2]} must be ${fmtShape([B, H])} to go with xp ${fmtShape(xp.shape)}, got ${fmtShape(m.shape)}`, op);
    }
  });
  const f = attrs.nonlinearity ?? 'relu';
  if (f !== 'relu' && f !== 'tanh') throw new ValueError(`nonlinearity must be 'relu' or 'tanh', got ${String(f)}`, op);
  return [B, H];
}

/** IndRNN step: h' = f(xp + u ⊙ h), xp [B, H] the input projection with its bias, u [H]. */
function indRnnComposite([xp, u, h]: Tensor[], attrs: IndRnnAttrs): Tensor[] {
  const a = xp!.add(h!.mul(u!));
  return [(attrs.nonlinearity ?? 'relu') === 'tanh' ? a.tanh() : a.relu()];
}

/** Cotangents of xp, u (summed over the batch) and h from that of h'. */
function indRnnBackwardComposite([xp, u, h, dhNext]: Tensor[], attrs: IndRnnAttrs): Tensor[] {
  const a = xp!.add(h!.mul(u!));
  const da = (attrs.nonlinearity ?? 'relu') === 'tanh' ? dhNext!.mul(a.tanh().square().neg().add(1)) : dhNext!.mul(a.gt(0).cast(a.dtype));
  return [da, da.mul(h!).sum(0), da.mul(u!)];
}

const indRnnCellOp = defineOp<IndRnnAttrs>({
  name: 'indRnnCell',
  inputs: ['xp', 'u', 'h'],
  infer([xp, u, h], attrs) {
    const [B, H] = checkIndRnn('indRnnCell', [xp!, u!, h!], ['xp', 'u', 'h'], attrs);
    return [{ shape: [B, H], dtype: xp!.dtype }];
  },
  composite: indRnnComposite,
});

const indRnnCellBackwardOp = defineOp<IndRnnAttrs>({
  name: 'indRnnCellBackward',
  inputs: ['xp', 'u', 'h', 'dh'],
  infer([xp, u, h, dh], attrs) {
    const [B, H] = checkIndRnn('indRnnCellBackward', [xp!, u!, h!, dh!], ['xp', 'u', 'h', 'dh'], attrs);
    return [{ shape: [B, H], dtype: xp!.dtype }, { shape: [H], dtype: xp!.dtype }, { shape: [B, H], dtype: xp!.dtype }];
  },
  composite: indRnnBackwardComposite,
  nondifferentiable: true,
});

/** The recurrent cell ops. */
export const recurrentCellOps = {
  lstmCell: lstmCellOp,
  lstmCellBackward: lstmCellBackwardOp,
  gruCell: gruCellOp,
  gruCellBackward: gruCellBackwardOp,
  indRnnCell: indRnnCellOp,
  indRnnCellBackward: indRnnCellBackwardOp,
};

/** Descriptors of the recurrent cell ops. */
export const recurrentCellOpDefs: OpDef[] = Object.values(recurrentCellOps);


