import { describe, expect, it } from 'vitest';
import { Linear, mseLoss } from '@nn/layers-core';
import { manualSeed, randn, type Tensor, tensor, tidy, ValueError } from '@nn/tensor';
import { Parameter } from '@nn/layers-core';
import { Adam, LBFGS, type LBFGSOptions } from '../src/index.js';
import { cubicInterpolate } from '../src/line-search.js';

/**
 * PyTorch's algorithm on the Rosenbrock function from (−1.5, 2), float64:
 * per step, [x, y, the loss step() returned, closure evaluations so far].
 * Made by a float64 numpy transcription of torch/optim/lbfgs.py
 * (`_strong_wolfe`, `_cubic_interpolate`, `LBFGS.step`), with the
 * analytic gradient; 'strongWolfe' and 'fixed' (lr 0.1) run one iteration
 * per step (maxIter 1), 'strongWolfe20' the default 20.
 */
const REFERENCE: Record<string, [number, number, number, number][]> = {
  strongWolfe: [
    [-1.4172551712244599, 2.026691880250174, 12.5, 3],
    [-1.4200404011339869, 2.024868214861027, 5.875809972976888, 5],
    [-1.4201365045001701, 2.023710425144713, 5.863573595921402, 7],
    [-1.4190151739012853, 2.015228881713949, 5.861853124644989, 9],
    [-1.4142309487677067, 1.9949020404366438, 5.851898414902332, 11],
    [-1.3967406364678434, 1.9336233323551453, 5.8311603749043, 13],
    [-1.3536960480482618, 1.7977327472576075, 5.774160143316676, 15],
    [-1.2871832369443907, 1.6054850151939255, 5.660712537635336, 17],
    [-1.2050322831642997, 1.3935585763354446, 5.494947646316478, 19],
    [-1.0768265614154333, 1.1112274823448078, 5.204910022853519, 21],
    [-0.9629098925080469, 0.9154087570839043, 4.546767747883833, 23],
    [-0.8258409543537136, 0.6313172511314421, 3.866907885238349, 26],
    [-0.7411829596964629, 0.5123567779596638, 3.590703944040771, 28],
    [-0.6185532109209981, 0.371400417346114, 3.1685840744588036, 30],
    [-0.49933158243675113, 0.19765759278611342, 2.6322756550100626, 33],
  ],
  fixed: [
    [-1.424390243902439, 2.024390243902439, 12.5, 1],
    [-1.4240099819290961, 2.024433155335134, 5.879690646165758, 2],
    [-1.4235901893449603, 2.0243905463608622, 5.876960940857262, 3],
    [-1.423156809660145, 2.024258365262721, 5.874281571612156, 4],
    [-1.422704506882964, 2.0240334188679774, 5.871813679613652, 5],
    [-1.4222271014379155, 2.0237095720494276, 5.869497426825734, 6],
    [-1.4217173541755648, 2.0232772915886508, 5.867280101174047, 7],
    [-1.4211667260968082, 2.022723080348671, 5.865113766951433, 8],
    [-1.4205650894293633, 2.0220287769340772, 5.8629532525005885, 9],
    [-1.419900377141577, 2.021170689601138, 5.860754290780208, 10],
  ],
  strongWolfe20: [
    [-0.08511855589868143, -0.028757058413799136, 12.5, 25],
    [0.9995835472532283, 0.9991550319582903, 1.3070983150505278, 50],
    [0.9999979943196469, 0.9999973438921761, 1.8840481353544196e-07, 53],
  ],
};

const CONFIGS: Record<string, LBFGSOptions> = {
  strongWolfe: { maxIter: 1, lineSearchFn: 'strongWolfe' },
  fixed: { maxIter: 1, lr: 0.1 },
  strongWolfe20: { lineSearchFn: 'strong_wolfe' },
};

/** Rosenbrock's function of a 2-vector, in tensor ops (autograd gives the gradient). */
function rosenbrock(p: Tensor): Tensor {
  const [x, y] = p.split(1, 0) as [Tensor, Tensor];
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
}

describe('LBFGS', () => {
  for (const [name, options] of Object.entries(CONFIGS)) {
    it(`follows PyTorch's algorithm step for step on Rosenbrock (${name})`, () => {
      const p = new Parameter(tensor([-1.5, 2], [2], 'float64'));
      const opt = new LBFGS([p], options);
      for (const [x, y, loss, evals] of REFERENCE[name]!) {
        const returned = opt.step(() => {
          opt.zeroGrad();
          const l = rosenbrock(p);
          l.backward();
          return l;
        });
        expect(returned).toBeCloseTo(loss, 9);
        const [px, py] = p.dataSync();
        expect(Math.abs(px! - x)).toBeLessThan(1e-9);
        expect(Math.abs(py! - y)).toBeLessThan(1e-9);
        expect(opt.funcEvals).toBe(evals);
      }
    });
  }

  it('reaches the minimum (1, 1) of Rosenbrock with the line search', () => {
    const p = new Parameter(tensor([-1.5, 2], [2], 'float64'));
    const opt = new LBFGS([p], { lineSearchFn: 'strongWolfe', maxIter: 100, maxEval: 200 });
    opt.step(() => {
      opt.zeroGrad();
      const l = rosenbrock(p);
      l.backward();
      return l;
    });
    const [x, y] = p.dataSync();
    expect(x).toBeCloseTo(1, 5);
    expect(y).toBeCloseTo(1, 5);
  });

  it('cubic interpolation finds the minimum of a cubic exactly', () => {
    // f(t) = t³ − 3t: minimum at t = 1; f' = 3t² − 3.
    const f = (t: number) => t ** 3 - 3 * t, g = (t: number) => 3 * t * t - 3;
    expect(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2))).toBeCloseTo(1, 12);
    expect(cubicInterpolate(2, f(2), g(2), 0.5, f(0.5), g(0.5))).toBeCloseTo(1, 12);
  });

  it('trains a small network to a lower loss than Adam with the same number of function evaluations', () => {
    manualSeed(7);
    const x = randn([64, 2]);
    const y = x.slice([0, 0], [64, 1]).mul(3).sin().mul(x.slice([0, 1], [64, 2]).cos());
    // A 2-16-1 tanh network.
    const make = () => {
      manualSeed(3);
      const hidden = new Linear(2, 16), out = new Linear(16, 1);
      return { call: (v: Tensor) => out.call(hidden.call(v).tanh()), parameters: () => [...hidden.parameters(), ...out.parameters()] };
    };
    const budget = 100;
    const netL = make();
    const lbfgs = new LBFGS(netL.parameters(), { lineSearchFn: 'strongWolfe', maxIter: budget, maxEval: budget, historySize: 20 });
    lbfgs.step(() => {
      lbfgs.zeroGrad();
      const l = mseLoss(netL.call(x), y);
      l.backward();
      return l;
    });
    expect(lbfgs.funcEvals).toBeLessThanOrEqual(budget + 25);
    const evals = lbfgs.funcEvals;
    const lossL = tidy(() => mseLoss(netL.call(x), y).item());
    // Adam, its learning rate the best of a sweep, with one evaluation per step.
    let lossA = Infinity;
    for (const lr of [0.003, 0.01, 0.03, 0.1]) {
      const netA = make();
      const adam = new Adam(netA.parameters(), { lr });
      for (let i = 0; i < evals; i++) {
        adam.zeroGrad();
        tidy(() => mseLoss(netA.call(x), y).backward());
        adam.step();
      }
      lossA = Math.min(lossA, tidy(() => mseLoss(netA.call(x), y).item()));
    }
    console.log(`LBFGS ${lossL.toExponential(3)} in ${evals} evaluations; best Adam ${lossA.toExponential(3)}`);
    expect(lossL).toBeLessThan(lossA);
  });

  it('stateDict resumes exactly', () => {
    const run = (opt: LBFGS, p: Parameter, steps: number) => {
      for (let i = 0; i < steps; i++) opt.step(() => { opt.zeroGrad(); const l = rosenbrock(p); l.backward(); return l; });
    };
    const p = new Parameter(tensor([-1.5, 2], [2], 'float64'));
    const opt = new LBFGS([p], { lineSearchFn: 'strongWolfe', maxIter: 2 });
    run(opt, p, 3);
    const saved = opt.stateDict(), at = p.dataSync().slice();
    run(opt, p, 2);
    const expected = Array.from(p.dataSync());
    const q = new Parameter(tensor(Array.from(at), [2], 'float64'));
    const again = new LBFGS([q], { lineSearchFn: 'strongWolfe', maxIter: 2 });
    again.loadStateDict(saved);
    run(again, q, 2);
    expect(Array.from(q.dataSync())).toEqual(expected);
    expect(again.funcEvals).toBe(opt.funcEvals);
    expect(() => new LBFGS([new Parameter(tensor([1, 2, 3]))]).loadStateDict(saved)).toThrow(/entries, the parameters 3/);
  });

  it('bad options and a missing closure are typed errors', () => {
    const p = new Parameter(tensor([1, 2]));
    expect(() => new LBFGS([p], { lr: 0 })).toThrow(ValueError);
    expect(() => new LBFGS([p], { historySize: 0 })).toThrow(ValueError);
    expect(() => new LBFGS([p], { lineSearchFn: 'armijo' as never })).toThrow(/strongWolfe/);
    expect(() => new LBFGS([])).toThrow(ValueError);
    expect(() => new LBFGS([p]).step(undefined as never)).toThrow(/closure/);
  });
});
