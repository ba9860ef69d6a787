/**
 * Fused cell updates: cpu kernels for the recurrent cell ops of @nn/tensor
 * (one pass over the batch instead of a dozen tensor ops) and their
 * gradients. A backward pass that is itself recorded (grads of grads) uses
 * the backward op's composite, which is differentiable; a plain backward
 * pass uses the fused backward kernel.
 *
 * Gate layout is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n). IndRNN has
 * no gates: one recurrent weight per unit.
 * @module
 */
import { allocArray, type Attrs, type AttrsArg, getEngine, getRegistry, type GradientDef, type TypedArray, type KernelDef, type IndRnnNonlinearity, type NondifferentiableOp, type Plugin, recurrentCellOps, REGISTRY_API_VERSION, type Tensor } from '@nn/tensor';
import { cpuKernel, gradient } from '@nn/tensor/kernel';

type A = TypedArray;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

// ------------------------------------------------------------------- LSTM

const lstmCellKernel = cpuKernel(recurrentCellOps.lstmCell, ([gates, c], _attrs, { outputs }) => {
  const [B, H] = outputs[0]!.shape as [number, number];
  const gv = gates!.data, cv = c!.data;
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
});

const lstmCellBackwardKernel = cpuKernel(recurrentCellOps.lstmCellBackward, ([gates, c, dh, dcNext], _attrs, { outputs }) => {
  const [B, H] = outputs[1]!.shape as [number, number];
  const gv = gates!.data, cv = c!.data, dhv = dh!.data, dcv = dcNext!.data;
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
});

// -------------------------------------------------------------------- GRU

const gruCellKernel = cpuKernel(recurrentCellOps.gruCell, ([xp, hp, h], _attrs, { outputs }) => {
  const [B, H] = outputs[0]!.shape as [number, number];
  const xv = xp!.data, hv = hp!.data, sv = h!.data;
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
});

const gruCellBackwardKernel = cpuKernel(recurrentCellOps.gruCellBackward, ([xp, hp, h, dh], _attrs, { outputs }) => {
  const [B, H] = outputs[2]!.shape as [number, number];
  const xv = xp!.data, hv = hp!.data, sv = h!.data, dv = dh!.data;
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
});

// ----------------------------------------------------------------- IndRNN

const indRnnCellKernel = cpuKernel(recurrentCellOps.indRnnCell, ([xp, u, h], attrs, { outputs }) => {
  const [B, H] = outputs[0]!.shape as [number, number];
  const xv = xp!.data, uv = u!.data, hv = h!.data;
  const out = allocArray(outputs[0]!.dtype, B * H);
  const tanh = attrs.nonlinearity === 'tanh';
  for (let b = 0; b < B; b++) {
    for (let j = 0, k = b * H; j < H; j++, k++) {
      const a = xv[k]! + uv[j]! * hv[k]!;
      out[k] = tanh ? Math.tanh(a) : a > 0 ? a : 0;
    }
  }
  return [out];
});

const indRnnCellBackwardKernel = cpuKernel(recurrentCellOps.indRnnCellBackward, ([xp, u, h, dh], attrs, { outputs }) => {
  const [B, H] = outputs[0]!.shape as [number, number];
  const xv = xp!.data, uv = u!.data, hv = h!.data, dv = dh!.data;
  const dxp = allocArray(outputs[0]!.dtype, B * H), du = allocArray(outputs[1]!.dtype, H), dhPrev = allocArray(outputs[2]!.dtype, B * H);
  const tanh = attrs.nonlinearity === 'tanh';
  for (let b = 0; b < B; b++) {
    for (let j = 0, k = b * H; j < H; j++, k++) {
      const a = xv[k]! + uv[j]! * hv[k]!;
      let da: number;
      if (tanh) {
        const y = Math.tanh(a);
        da = dv[k]! * (1 - y * y);
      } else {
        da = a > 0 ? dv[k]! : 0;
      }
      dxp[k] = da;
      du[j] = du[j]! + da * hv[k]!;
      dhPrev[k] = da * uv[j]!;
    }
  }
  return [dxp, du, dhPrev];
});

// -------------------------------------------------------------- gradients

/** The fused backward op, or (when the backward pass is itself recorded) its differentiable composite. */
function backward<A extends Attrs>(op: NondifferentiableOp<A>, inputs: Tensor[], attrs = {} as A): Tensor[] {
  return getEngine().recording ? op.composite!(inputs, attrs) : op.run(inputs, ...([attrs] as AttrsArg<A>));
}

const { lstmCell, lstmCellBackward, gruCell, gruCellBackward, indRnnCell, indRnnCellBackward } = recurrentCellOps;

const gradients: GradientDef[] = [
  gradient(lstmCell, ([dh, dc], { inputs: [gates, c] }) => backward(lstmCellBackward, [gates!, c!, dh!, dc!])),
  gradient(gruCell, ([dh], { inputs: [xp, hp, h] }) => backward(gruCellBackward, [xp!, hp!, h!, dh!])),
  gradient(indRnnCell, ([dh], { inputs: [xp, u, h], attrs }) => backward(indRnnCellBackward, [xp!, u!, h!, dh!], attrs)),
];

/** cpu kernels and gradients of the recurrent cell ops that @nn/tensor declares. */
export const recurrentPlugin: Plugin = {
  name: '@nn/layers-recurrent',
  apiVersion: REGISTRY_API_VERSION,
  kernels: [lstmCellKernel, lstmCellBackwardKernel, gruCellKernel, gruCellBackwardKernel, indRnnCellKernel, indRnnCellBackwardKernel],
  gradients,
};

function ensureRecurrentPlugin(): void {
  const registry = getRegistry();
  if (!registry.hasPlugin(recurrentPlugin.name)) registry.use(recurrentPlugin);
}

/**
 * One fused LSTM step from pre-activation gates of shape [B, 4H] (input and
 * state projections plus biases, in (i, f, g, o) order) and the cell state c
 * of shape [B, H]. Returns [h', c'] with c' = σ(f)·c + σ(i)·tanh(g) and
 * h' = σ(o)·tanh(c').
 */
export function lstmCellUpdate(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  ensureRecurrentPlugin();
  const [h, cNext] = lstmCell.run([gates, c]);
  return [h!, cNext!];
}

/**
 * One fused GRU step from the input projection xp of shape [B, 3H], the
 * state projection hp of shape [B, 3H] (each with its bias, in (r, z, n)
 * order) and h of shape [B, H]. Returns h' = (1 − z)·n + z·h with
 * n = tanh(xn + r·hn).
 */
export function gruCellUpdate(xp: Tensor, hp: Tensor, h: Tensor): Tensor {
  ensureRecurrentPlugin();
  return gruCell.run1([xp, hp, h]);
}

/**
 * One fused IndRNN step (Li et al. 2018) from the input projection xp of
 * shape [B, H] (with its bias), the recurrent weights u of shape [H] and the
 * state h of shape [B, H]: h' = f(xp + u ⊙ h), f relu or tanh.
 */
export function indRnnCellUpdate(xp: Tensor, u: Tensor, h: Tensor, nonlinearity: IndRnnNonlinearity = 'relu'): Tensor {
  ensureRecurrentPlugin();
  return indRnnCell.run1([xp, u, h], { nonlinearity });
}
