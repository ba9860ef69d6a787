import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor } from '@nn/tensor';
import { requiresGrad } from '../src/index.js';

/**
 * The textbook check: for a 3-layer sigmoid network x -> y -> z with loss
 * E = ½ Σ_k Σ_j (t_j − z_j)², back-propagation by the delta rule gives
 *   δ_j = f'(net_j)(t_j − z_j),       Δw_hj = η Σ_k δ_j y_h,
 *   δ_h = f'(net_h) Σ_j w_hj δ_j,     Δw_ih = η Σ_k δ_h x_i,
 * and autograd's gradients must equal −Δw / η.
 */
describe('autograd equals the delta rule', () => {
  it('for a 4-3-2 sigmoid network over a batch of 5 samples', () => {
    manualSeed(11);
    const nI = 4, nH = 3, nJ = 2, nK = 5, eta = 0.1;
    const X = randn([nK, nI], { dtype: 'float64' }).toArray() as number[][];
    const T = randn([nK, nJ], { dtype: 'float64' }).sigmoid().toArray() as number[][];
    const Wih = randn([nI, nH], { dtype: 'float64' }).toArray() as number[][];
    const Whj = randn([nH, nJ], { dtype: 'float64' }).toArray() as number[][];

    // The delta rule, by hand.
    const f = (s: number) => 1 / (1 + Math.exp(-s));
    const dWih = Wih.map((r) => r.map(() => 0));
    const dWhj = Whj.map((r) => r.map(() => 0));
    for (let k = 0; k < nK; k++) {
      const x = X[k]!, t = T[k]!;
      const y = Array.from({ length: nH }, (_, h) => f(x.reduce((s, xi, i) => s + xi * Wih[i]![h]!, 0)));
      const z = Array.from({ length: nJ }, (_, j) => f(y.reduce((s, yh, h) => s + yh * Whj[h]![j]!, 0)));
      const deltaJ = z.map((zj, j) => zj * (1 - zj) * (t[j]! - zj));
      const deltaH = y.map((yh, h) => yh * (1 - yh) * deltaJ.reduce((s, dj, j) => s + Whj[h]![j]! * dj, 0));
      for (let h = 0; h < nH; h++) for (let j = 0; j < nJ; j++) dWhj[h]![j]! += eta * deltaJ[j]! * y[h]!;
      for (let i = 0; i < nI; i++) for (let h = 0; h < nH; h++) dWih[i]![h]! += eta * deltaH[h]! * x[i]!;
    }

    // The same network through autograd.
    const wih = requiresGrad(tensor(Wih, undefined, 'float64'));
    const whj = requiresGrad(tensor(Whj, undefined, 'float64'));
    const x = tensor(X, undefined, 'float64'), t = tensor(T, undefined, 'float64');
    const z = x.matmul(wih).sigmoid().matmul(whj).sigmoid();
    const E = t.sub(z).square().sum().mul(0.5);
    E.backward();

    const gih = wih.grad!.toArray() as number[][], ghj = whj.grad!.toArray() as number[][];
    for (let i = 0; i < nI; i++) for (let h = 0; h < nH; h++) expect(-eta * gih[i]![h]!).toBeCloseTo(dWih[i]![h]!, 12);
    for (let h = 0; h < nH; h++) for (let j = 0; j < nJ; j++) expect(-eta * ghj[h]![j]!).toBeCloseTo(dWhj[h]![j]!, 12);
  });
});
