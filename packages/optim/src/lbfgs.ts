/**
 * L-BFGS (Liu and Nocedal 1989) with PyTorch's `torch.optim.LBFGS` API and
 * algorithm: a closure-based `step` that runs up to `maxIter` quasi-Newton
 * iterations, each from the two-loop recursion over the last `historySize`
 * curvature pairs, with a fixed step `lr` or a strong-Wolfe line search.
 * This is the "second-order information" of the chapter at the price of
 * gradients: the pairs (s, y) build an approximation of the inverse Hessian.
 *
 * The vectors are float64 on the host (parameters laid end to end), so the
 * arithmetic is exact to double precision whatever the parameters' dtype.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { NNError, type Tensor, tensor, tidy, ValueError } from '@nn/tensor';
import type { OptimizerState } from './optimizer.js';
import { dot, maxAbs, strongWolfe, type Vec } from './line-search.js';

/** Options of {@link LBFGS}, PyTorch's names in camelCase. */
export interface LBFGSOptions {
  /** Step length (the line search's first trial after the first iteration); default 1. */
  lr?: number;
  /** Iterations per `step`; default 20. */
  maxIter?: number;
  /** Function evaluations per `step`; default ⌊maxIter·5/4⌋. */
  maxEval?: number;
  /** Stop when max |gradient| is at most this; default 1e-7. */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change less than this; default 1e-9. */
  toleranceChange?: number;
  /** Curvature pairs kept; default 100. */
  historySize?: number;
  /** `'strongWolfe'` for a line search (PyTorch's `'strong_wolfe'`, also accepted); default none: fixed steps. */
  lineSearchFn?: 'strongWolfe' | 'strong_wolfe' | null;
}

/** The closure of {@link LBFGS.step}: zero the gradients, compute the loss, call `backward()`, return the loss. */
export type LossClosure = () => Tensor | number;

/**
 * L-BFGS, as `torch.optim.LBFGS`.
 *
 * @example
 * ```ts
 * const opt = new LBFGS(model.parameters(), { lineSearchFn: 'strongWolfe' });
 * for (let i = 0; i < 10; i++) {
 *   opt.step(() => {
 *     opt.zeroGrad();
 *     const loss = mseLoss(model.call(x), y);
 *     loss.backward();
 *     return loss;
 *   });
 * }
 * ```
 */
export class LBFGS {
  readonly params: readonly Tensor[];
  lr: number;
  readonly maxIter: number;
  readonly maxEval: number;
  readonly toleranceGrad: number;
  readonly toleranceChange: number;
  readonly historySize: number;
  readonly lineSearch: boolean;
  /** Closure evaluations so far, over all steps (PyTorch's `state['func_evals']`). */
  funcEvals = 0;
  /** Iterations so far, over all steps (PyTorch's `state['n_iter']`). */
  nIter = 0;

  // The state carried from one `step` to the next, as PyTorch keeps it.
  private d: Vec | null = null;
  private t = 0;
  private oldDirs: Vec[] = [];
  private oldSteps: Vec[] = [];
  private ro: number[] = [];
  private hDiag = 1;
  private prevGrad: Vec | null = null;
  private prevLoss = 0;
  private readonly size: number;

  constructor(params: Iterable<Tensor>, options: LBFGSOptions = {}) {
    const { lr = 1, maxIter = 20, toleranceGrad = 1e-7, toleranceChange = 1e-9, historySize = 100, lineSearchFn = null } = options;
    const maxEval = options.maxEval ?? Math.floor((maxIter * 5) / 4);
    this.params = [...params];
    if (this.params.length === 0) throw new ValueError('got an empty parameter list', 'LBFGS');
    if (!(lr > 0)) throw new ValueError(`lr must be positive, got ${lr}`, 'LBFGS');
    for (const [name, v] of [['maxIter', maxIter], ['maxEval', maxEval], ['historySize', historySize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name} must be a positive integer, got ${v}`, 'LBFGS');
    }
    for (const [name, v] of [['toleranceGrad', toleranceGrad], ['toleranceChange', toleranceChange]] as const) {
      if (!(v >= 0)) throw new ValueError(`${name} must be non-negative, got ${v}`, 'LBFGS');
    }
    if (lineSearchFn !== null && lineSearchFn !== 'strongWolfe' && lineSearchFn !== 'strong_wolfe') {
      throw new ValueError(`lineSearchFn must be 'strongWolfe' or null, got ${String(lineSearchFn)}`, 'LBFGS');
    }
    this.lr = lr;
    this.maxIter = maxIter;
    this.maxEval = maxEval;
    this.toleranceGrad = toleranceGrad;
    this.toleranceChange = toleranceChange;
    this.historySize = historySize;
    this.lineSearch = lineSearchFn !== null;
    this.size = this.params.reduce((n, p) => n + p.size, 0);
  }

  /** Clears every parameter's `.grad`. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Runs the closure and returns its loss and the flat gradient (zeros for parameters without one). */
  private evaluate(closure: LossClosure): { loss: number; grad: Vec } {
    const loss = tidy(() => {
      const value = closure();
      return typeof value === 'number' ? value : value.item();
    });
    const grad = new Float64Array(this.size);
    let offset = 0;
    for (const p of this.params) {
      if (p.grad) grad.set(p.grad.dataSync(), offset);
      offset += p.size;
    }
    return { loss, grad };
  }

  private flatParams(): Vec {
    const x = new Float64Array(this.size);
    let offset = 0;
    for (const p of this.params) {
      x.set(p.dataSync(), offset);
      offset += p.size;
    }
    return x;
  }

  /** Sets the parameters to x + t·d. */
  private setParams(x: Vec, t = 0, d?: Vec): void {
    noGrad(() => {
      let offset = 0;
      for (const p of this.params) {
        const values = new Float64Array(p.size);
        for (let i = 0; i < p.size; i++) values[i] = x[offset + i]! + (d ? t * d[offset + i]! : 0);
        const next = tensor(values, p.shape, 'float64');
        p.assign(next.dtype === p.dtype ? next : next.cast(p.dtype));
        next.dispose();
        offset += p.size;
      }
    });
  }

  /**
   * Everything needed to resume exactly (PyTorch's `state_dict`): the
   * options, the counters and scalars as hyperparameters, and the carried
   * vectors (`d`, `prevGrad`, `oldDirs.i`, `oldSteps.i`) as float64 tensors.
   * The optimizer's own tensors: dispose them when done.
   */
  stateDict(): OptimizerState {
    const vec = (v: Vec) => tensor(v.slice(), [v.length], 'float64');
    const tensors: Record<string, Tensor> = {};
    if (this.d) tensors.d = vec(this.d);
    if (this.prevGrad) tensors.prevGrad = vec(this.prevGrad);
    this.oldDirs.forEach((v, i) => (tensors[`oldDirs.${i}`] = vec(v)));
    this.oldSteps.forEach((v, i) => (tensors[`oldSteps.${i}`] = vec(v)));
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearch, funcEvals, nIter, t, hDiag, prevLoss } = this;
    return { kind: 'LBFGS', hyperparameters: { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearch, funcEvals, nIter, t, hDiag, prevLoss, ro: [...this.ro] }, step: nIter, tensors };
  }

  /** Restores a state saved by {@link stateDict}, for the same parameters. */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== 'LBFGS') throw new NNError(`loadStateDict: the state is from ${state.kind}, not LBFGS`);
    const h = state.hyperparameters;
    const vec = (key: string): Vec | null => {
      const t = state.tensors[key];
      if (t === undefined) return null;
      if (t.size !== this.size) throw new NNError(`loadStateDict: '${key}' has ${t.size} entries, the parameters ${this.size}`);
      return Float64Array.from(t.dataSync());
    };
    const ro = (h.ro as readonly number[] | undefined) ?? [];
    const dirs = ro.map((_, i) => vec(`oldDirs.${i}`)), steps = ro.map((_, i) => vec(`oldSteps.${i}`));
    if (dirs.some((v) => v === null) || steps.some((v) => v === null)) throw new NNError(`loadStateDict: the state has ${ro.length} curvature pairs but not all their vectors`);
    this.lr = Number(h.lr);
    this.funcEvals = Number(h.funcEvals);
    this.nIter = Number(h.nIter);
    this.t = Number(h.t);
    this.hDiag = Number(h.hDiag);
    this.prevLoss = Number(h.prevLoss);
    this.ro = [...ro];
    this.oldDirs = dirs as Vec[];
    this.oldSteps = steps as Vec[];
    this.d = vec('d');
    this.prevGrad = vec('prevGrad');
  }

  /** The two-loop recursion: −H·g with H the L-BFGS inverse-Hessian approximation. */
  private direction(g: Vec): Vec {
    const q = g.map((v) => -v);
    const n = this.oldDirs.length;
    const al = new Array<number>(n);
    for (let i = n - 1; i >= 0; i--) {
      al[i] = dot(this.oldSteps[i]!, q) * this.ro[i]!;
      const y = this.oldDirs[i]!;
      for (let k = 0; k < q.length; k++) q[k]! -= al[i]! * y[k]!;
    }
    const r = q.map((v) => v * this.hDiag);
    for (let i = 0; i < n; i++) {
      const be = dot(this.oldDirs[i]!, r) * this.ro[i]!;
      const s = this.oldSteps[i]!;
      for (let k = 0; k < r.length; k++) r[k]! += (al[i]! - be) * s[k]!;
    }
    return r;
  }

  /**
   * Runs up to `maxIter` iterations (fewer when a tolerance is met or
   * `maxEval` evaluations are spent) and returns the loss the closure gave
   * at the start, as PyTorch does.
   */
  step(closure: LossClosure): number {
    if (typeof closure !== 'function') throw new ValueError('step needs a closure that computes the loss and its gradients', 'LBFGS');
    let { loss, grad } = this.evaluate(closure);
    const origLoss = loss;
    let evals = 1;
    this.funcEvals++;
    if (maxAbs(grad) <= this.toleranceGrad) return origLoss;

    for (let n = 1; n <= this.maxIter; n++) {
      this.nIter++;
      if (this.nIter === 1) {
        this.d = grad.map((v) => -v);
        this.oldDirs = [];
        this.oldSteps = [];
        this.ro = [];
        this.hDiag = 1;
      } else {
        const y = grad.map((v, i) => v - this.prevGrad![i]!);
        const s = this.d!.map((v) => v * this.t);
        const ys = dot(y, s);
        // Keep a pair only where it shows positive curvature.
        if (ys > 1e-10) {
          if (this.oldDirs.length === this.historySize) {
            this.oldDirs.shift();
            this.oldSteps.shift();
            this.ro.shift();
          }
          this.oldDirs.push(y);
          this.oldSteps.push(s);
          this.ro.push(1 / ys);
          this.hDiag = ys / dot(y, y);
        }
        this.d = this.direction(grad);
      }
      this.prevGrad = grad.slice();
      this.prevLoss = loss;
      const d = this.d!;

      // The first iteration ever steps at most 1 in the L1 norm of the gradient.
      let gradL1 = 0;
      for (let i = 0; i < grad.length; i++) gradL1 += Math.abs(grad[i]!);
      this.t = this.nIter === 1 ? Math.min(1, 1 / gradL1) * this.lr : this.lr;
      const slope = dot(grad, d);
      if (slope > -this.toleranceChange) break;

      let lsEvals = 0;
      let optimal = false;
      if (this.lineSearch) {
        const x0 = this.flatParams();
        const phi = (t: number) => {
          this.setParams(x0, t, d);
          const r = this.evaluate(closure);
          this.setParams(x0);
          return r;
        };
        const found = strongWolfe(phi, d, this.t, loss, grad, slope, { toleranceChange: this.toleranceChange });
        ({ loss, grad, t: this.t, evals: lsEvals } = found);
        this.setParams(x0, this.t, d);
        optimal = maxAbs(grad) <= this.toleranceGrad;
      } else {
        this.setParams(this.flatParams(), this.t, d);
        if (n !== this.maxIter) {
          ({ loss, grad } = this.evaluate(closure));
          optimal = maxAbs(grad) <= this.toleranceGrad;
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      this.funcEvals += lsEvals;

      if (n === this.maxIter || evals >= this.maxEval || optimal) break;
      if (maxAbs(d) * Math.abs(this.t) <= this.toleranceChange) break;
      if (Math.abs(loss - this.prevLoss) < this.toleranceChange) break;
    }
    return origLoss;
  }
}
