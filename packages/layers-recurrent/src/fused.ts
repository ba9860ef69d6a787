/**
 * Fused cell updates: the gate arithmetic of an LSTM and a GRU step as one
 * op each, with one kernel pass over the batch instead of a dozen tensor
 * ops, and a fused backward op for the gradient. Every op also has a
 * composite written in ops, so any backend runs it. A backward pass that is
 * itself recorded (grads of grads) uses the backward composite, which is
 * differentiable; a plain backward pass uses the fused backward kernel.
 *
 * Gate layout is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).
 * @module
 */
import {
  allocArray, concat, DTypeError, fmtShape, getEngine, getRegistry, isFloat, type GradientDef, type KernelDef, type OpDef, type Plugin,
  REGISTRY_API_VERSION, ShapeError, type Tensor, type TensorMeta, type TypedArray,
} from '@nn/tensor';

type A = TypedArray;

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

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

// ------------------------------------------------------------------- LSTM

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

const lstmCellDef: OpDef = {
  name: 'lstmCell',
  inputs: ['gates', 'c'],
  infer([gates, c]) {
    const [B, H] = checkGates('lstmCell', [gates!, c!], ['gates', 'c'], [4, 1]);
    return [{ shape: [B, H], dtype: gates!.dtype }, { shape: [B, H], dtype: gates!.dtype }];
  },
  composite: lstmComposite,
};

const lstmCellBackwardDef: OpDef = {
  name: 'lstmCellBackward',
  inputs: ['gates', 'c', 'dh', 'dc'],
  infer([gates, c, dh, dc]) {
    checkGates('lstmCellBackward', [gates!, c!, dh!, dc!], ['gates', 'c', 'dh', 'dc'], [4, 1, 1, 1]);
    return [{ shape: [...gates!.shape], dtype: gates!.dtype }, { shape: [...c!.shape], dtype: c!.dtype }];
  },
  composite: lstmBackwardComposite,
  // Run only where no gradient is being recorded (see `backward` below).
  nondifferentiable: true,
};

const lstmCellKernel: KernelDef = {
  op: 'lstmCell',
  backend: 'cpu',
  run([gates, c], _attrs, { outputs }) {
    const [B, H] = outputs[0]!.shape as [number, number];
    const gv = gates!.data as A, cv = c!.data as A;
    const h = allocArray(outputs[0]!.dtype, B * H), cn = allocArray(outputs[1]!.dtype, B * H);
    for (let b = 0; b < B; b++) {
      const row = b * 4 * H;
      for (let j = 0, k = b * H; j < H; j++, k++) {
        const i = sigmoid(gv[row + j]!), f = sigmoid(gv[row + H + j]!), g = Math.tanh(gv[row + 2 * H + j]!), o = sigmoid(gv[row + 3 * H + j]!);
        const cNew = f * cv[k]! + i * g;
        cn[k] = cNew;
        h[k] = o * Math.tanh(cNew);
      }
    }
    return [h, cn];
  },
};

const lstmCellBackwardKernel: KernelDef = {
  op: 'lstmCellBackward',
  backend: 'cpu',
  run([gates, c, dh, dcNext], _attrs, { outputs }) {
    const [B, H] = outputs[1]!.shape as [number, number];
    const gv = gates!.data as A, cv = c!.data as A, dhv = dh!.data as A, dcv = dcNext!.data as A;
    const dg = allocArray(outputs[0]!.dtype, B * 4 * H), dcOut = allocArray(outputs[1]!.dtype, B * H);
    for (let b = 0; b < B; b++) {
      const row = b * 4 * H;
      for (let j = 0, k = b * H; j < H; j++, k++) {
        const i = sigmoid(gv[row + j]!), f = sigmoid(gv[row + H + j]!), g = Math.tanh(gv[row + 2 * H + j]!), o = sigmoid(gv[row + 3 * H + j]!);
        const tc = Math.tanh(f * cv[k]! + i * g);
        const dc = dcv[k]! + dhv[k]! * o * (1 - tc * tc);
        dg[row + j] = dc * g * i * (1 - i);
        dg[row + H + j] = dc * cv[k]! * f * (1 - f);
        dg[row + 2 * H + j] = dc * i * (1 - g * g);
        dg[row + 3 * H + j] = dhv[k]! * tc * o * (1 - o);
        dcOut[k] = dc * f;
      }
    }
    return [dg, dcOut];
  },
};

// -------------------------------------------------------------------- GRU

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

const gruCellDef: OpDef = {
  name: 'gruCell',
  inputs: ['xp', 'hp', 'h'],
  infer([xp, hp, h]) {
    const [B, H] = checkGates('gruCell', [xp!, hp!, h!], ['xp', 'hp', 'h'], [3, 3, 1]);
    return [{ shape: [B, H], dtype: xp!.dtype }];
  },
  composite: gruComposite,
};

const gruCellBackwardDef: OpDef = {
  name: 'gruCellBackward',
  inputs: ['xp', 'hp', 'h', 'dh'],
  infer([xp, hp, h, dh]) {
    checkGates('gruCellBackward', [xp!, hp!, h!, dh!], ['xp', 'hp', 'h', 'dh'], [3, 3, 1, 1]);
    return [{ shape: [...xp!.shape], dtype: xp!.dtype }, { shape: [...hp!.shape], dtype: xp!.dtype }, { shape: [...h!.shape], dtype: xp!.dtype }];
  },
  composite: gruBackwardComposite,
  nondifferentiable: true,
};

const gruCellKernel: KernelDef = {
  op: 'gruCell',
  backend: 'cpu',
  run([xp, hp, h], _attrs, { outputs }) {
    const [B, H] = outputs[0]!.shape as [number, number];
    const xv = xp!.data as A, hv = hp!.data as A, sv = h!.data as A;
    const out = allocArray(outputs[0]!.dtype, B * H);
    for (let b = 0; b < B; b++) {
      const row = b * 3 * H;
      for (let j = 0, k = b * H; j < H; j++, k++) {
        const r = sigmoid(xv[row + j]! + hv[row + j]!);
        const z = sigmoid(xv[row + H + j]! + hv[row + H + j]!);
        const n = Math.tanh(xv[row + 2 * H + j]! + r * hv[row + 2 * H + j]!);
        out[k] = (1 - z) * n + z * sv[k]!;
      }
    }
    return [out];
  },
};

const gruCellBackwardKernel: KernelDef = {
  op: 'gruCellBackward',
  backend: 'cpu',
  run([xp, hp, h, dh], _attrs, { outputs }) {
    const [B, H] = outputs[2]!.shape as [number, number];
    const xv = xp!.data as A, hv = hp!.data as A, sv = h!.data as A, dv = dh!.data as A;
    const dx = allocArray(outputs[0]!.dtype, B * 3 * H), dhp = allocArray(outputs[1]!.dtype, B * 3 * H), ds = allocArray(outputs[2]!.dtype, B * H);
    for (let b = 0; b < B; b++) {
      const row = b * 3 * H;
      for (let j = 0, k = b * H; j < H; j++, k++) {
        const r = sigmoid(xv[row + j]! + hv[row + j]!);
        const z = sigmoid(xv[row + H + j]! + hv[row + H + j]!);
        const hn = hv[row + 2 * H + j]!;
        const n = Math.tanh(xv[row + 2 * H + j]! + r * hn);
        const d = dv[k]!;
        const dan = d * (1 - z) * (1 - n * n);
        const dar = dan * hn * r * (1 - r);
        const daz = d * (sv[k]! - n) * z * (1 - z);
        dx[row + j] = dhp[row + j] = dar;
        dx[row + H + j] = dhp[row + H + j] = daz;
        dx[row + 2 * H + j] = dan;
        dhp[row + 2 * H + j] = dan * r;
        ds[k] = d * z;
      }
    }
    return [dx, dhp, ds];
  },
};

// -------------------------------------------------------------- gradients

/** The fused backward op, or (when the backward pass is itself recorded) its differentiable composite. */
function backward(op: string, composite: (inputs: Tensor[]) => Tensor[], inputs: Tensor[]): Tensor[] {
  const engine = getEngine();
  return engine.recording ? composite(inputs) : engine.run(op, inputs);
}

const gradients: GradientDef[] = [
  { op: 'lstmCell', vjp: ([dh, dc], { inputs: [gates, c] }) => backward('lstmCellBackward', lstmBackwardComposite, [gates!, c!, dh!, dc!]) },
  { op: 'gruCell', vjp: ([dh], { inputs: [xp, hp, h] }) => backward('gruCellBackward', gruBackwardComposite, [xp!, hp!, h!, dh!]) },
];

/** The fused recurrent cell ops, their cpu kernels and gradients. */
export const recurrentPlugin: Plugin = {
  name: '@nn/layers-recurrent',
  apiVersion: REGISTRY_API_VERSION,
  ops: [lstmCellDef, lstmCellBackwardDef, gruCellDef, gruCellBackwardDef],
  kernels: [lstmCellKernel, lstmCellBackwardKernel, gruCellKernel, gruCellBackwardKernel],
  gradients,
};

function runCell(op: string, inputs: Tensor[]): Tensor[] {
  const registry = getRegistry();
  if (!registry.hasPlugin(recurrentPlugin.name)) registry.use(recurrentPlugin);
  return getEngine().run(op, inputs);
}

/**
 * One fused LSTM step from pre-activation gates of shape [B, 4H] (input and
 * state projections plus biases, in (i, f, g, o) order) and the cell state c
 * of shape [B, H]. Returns [h', c'] with c' = σ(f)·c + σ(i)·tanh(g) and
 * h' = σ(o)·tanh(c').
 */
export function lstmCellUpdate(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const [h, cNext] = runCell('lstmCell', [gates, c]);
  return [h!, cNext!];
}

/**
 * One fused GRU step from the input projection xp of shape [B, 3H], the
 * state projection hp of shape [B, 3H] (each with its bias, in (r, z, n)
 * order) and h of shape [B, H]. Returns h' = (1 − z)·n + z·h with
 * n = tanh(xn + r·hn).
 */
export function gruCellUpdate(xp: Tensor, hp: Tensor, h: Tensor): Tensor {
  return runCell('gruCell', [xp, hp, h])[0]!;
}
