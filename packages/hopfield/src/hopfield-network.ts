/**
 * The classical Hopfield network: n bipolar units (±1), symmetric weights,
 * the energy E(s) = −½ sᵀWs − bᵀs, and recall by flipping units towards
 * lower energy until nothing changes. With zero self-connections an
 * asynchronous update (one unit at a time) never raises the energy, so
 * recall always ends at a fixed point; a synchronous one (all units at
 * once) may end in a two-state cycle instead.
 * @module
 */
import { solve } from '@nn/linalg';
import { ShapeError, tensor, tidy, ValueError } from '@nn/tensor';
import { mulberry32 } from '@nn/tensor/kernel';

/** Options of {@link HopfieldNetwork.recall}. */
export interface RecallOptions {
  /** 'async' (default): units one at a time in a seeded random order each sweep; 'sync': all at once. */
  mode?: 'async' | 'sync';
  /** Sweeps (each visits every unit once) before giving up (default 100). */
  maxSweeps?: number;
  /** Seed of the asynchronous visiting order (default 1). */
  seed?: number;
}

/** What {@link HopfieldNetwork.recall} returns. */
export interface Recall {
  /** The final state, ±1. */
  state: Int8Array;
  /** The energy before the first sweep and after each sweep. */
  energies: number[];
  /** True when a whole sweep changed nothing (a fixed point). */
  converged: boolean;
  /** Sweeps run. */
  sweeps: number;
  /** Sync mode: true when the state alternates between two states. */
  cycle: boolean;
}

/** Patterns as rows of ±1: from arrays of ±1 (or any sign) values. */
function bipolar(op: string, patterns: readonly ArrayLike<number>[], n: number): Int8Array[] {
  if (patterns.length === 0) throw new ValueError('needs at least one pattern', op);
  return patterns.map((p, k) => {
    if (p.length !== n) throw new ShapeError(`pattern ${k} has ${p.length} values for ${n} units`, op);
    return Int8Array.from(p, (v) => (v >= 0 ? 1 : -1));
  });
}

/** A seeded permutation of [0, n): Fisher-Yates over nn's mulberry32 generator. */
function permutation(n: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** A Hopfield network of n bipolar units. */
export class HopfieldNetwork {
  /** W [n, n], row-major, symmetric. */
  readonly weights: Float64Array;
  /** b [n]. */
  readonly bias: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new ValueError(`size must be a positive integer, got ${size}`, 'HopfieldNetwork');
    this.weights = new Float64Array(size * size);
    this.bias = new Float64Array(size);
  }

  /** Hebbian (outer-product) storage: W = (1/n) Σ_μ ξ^μ ξ^μᵀ with zero diagonal. Replaces the weights. */
  storeHebbian(patterns: readonly ArrayLike<number>[]): this {
    const n = this.size, xs = bipolar('storeHebbian', patterns, n), W = this.weights;
    W.fill(0);
    for (const x of xs) {
      for (let i = 0; i < n; i++) {
        const xi = x[i]! / n;
        for (let j = 0; j < n; j++) W[i * n + j] = W[i * n + j]! + xi * x[j]!;
      }
    }
    for (let i = 0; i < n; i++) W[i * n + i] = 0;
    return this;
  }

  /**
   * The pseudo-inverse (projection) rule: W = X (XᵀX)⁻¹ Xᵀ for the patterns
   * as the columns of X, then the diagonal zeroed. Every stored pattern is
   * a fixed point while they are linearly independent, up to n of them,
   * correlated or not. Replaces the weights.
   */
  storePseudoInverse(patterns: readonly ArrayLike<number>[]): this {
    const n = this.size, xs = bipolar('storePseudoInverse', patterns, n), P = xs.length;
    if (P > n) throw new ValueError(`the pseudo-inverse rule stores at most n = ${n} linearly independent patterns, got ${P}`, 'storePseudoInverse');
    const X = new Float64Array(P * n); // rows: patterns (Xᵀ)
    xs.forEach((x, k) => X.set(x, k * n));
    const gram = new Float64Array(P * P);
    for (let a = 0; a < P; a++) for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[a * n + i]! * X[b * n + i]!;
      gram[a * P + b] = gram[b * P + a] = s;
    }
    // Y = (XᵀX)⁻¹ Xᵀ [P, n]; W = X Y.
    const Y = tidy(() => solve(tensor(gram, [P, P], 'float64'), tensor(X, [P, n], 'float64')).dataSync()) as Float64Array;
    const W = this.weights;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < P; k++) s += X[k * n + i]! * Y[k * n + j]!;
      W[i * n + j] = i === j ? 0 : s;
    }
    return this;
  }

  /** E(s) = −½ sᵀWs − bᵀs. */
  energy(state: ArrayLike<number>): number {
    const n = this.size;
    if (state.length !== n) throw new ShapeError(`state has ${state.length} values for ${n} units`, 'energy');
    let e = 0;
    for (let i = 0; i < n; i++) {
      let h = 0;
      for (let j = 0; j < n; j++) h += this.weights[i * n + j]! * state[j]!;
      e -= 0.5 * state[i]! * h + this.bias[i]! * state[i]!;
    }
    return e;
  }

  /** The local field of unit i: Σ_j W_ij s_j + b_i. */
  private field(s: Int8Array, i: number): number {
    const n = this.size, W = this.weights;
    let h = this.bias[i]!;
    for (let j = 0; j < n; j++) h += W[i * n + j]! * s[j]!;
    return h;
  }

  /** Recalls from a probe (±1 values, or any sign): updates until a fixed point (or a cycle, or maxSweeps). */
  recall(probe: ArrayLike<number>, { mode = 'async', maxSweeps = 100, seed = 1 }: RecallOptions = {}): Recall {
    const n = this.size;
    if (probe.length !== n) throw new ShapeError(`probe has ${probe.length} values for ${n} units`, 'recall');
    if (mode !== 'async' && mode !== 'sync') throw new ValueError(`mode must be 'async' or 'sync', got '${String(mode)}'`, 'recall');
    let s = Int8Array.from(probe, (v) => (v >= 0 ? 1 : -1));
    const energies = [this.energy(s)];
    let previous: Int8Array | undefined;
    for (let sweep = 1; sweep <= maxSweeps; sweep++) {
      let changed = false;
      if (mode === 'async') {
        for (const i of permutation(n, seed + sweep)) {
          const h = this.field(s, i);
          // sign(0) keeps the unit as it is, so ties never flip back and forth
          const v = h > 0 ? 1 : h < 0 ? -1 : s[i]!;
          if (v !== s[i]) {
            s[i] = v;
            changed = true;
          }
        }
      } else {
        const next = new Int8Array(n);
        for (let i = 0; i < n; i++) {
          const h = this.field(s, i);
          next[i] = h > 0 ? 1 : h < 0 ? -1 : s[i]!;
          if (next[i] !== s[i]) changed = true;
        }
        if (changed && previous !== undefined && next.every((v, i) => v === previous![i])) {
          energies.push(this.energy(next));
          return { state: next, energies, converged: false, sweeps: sweep, cycle: true };
        }
        previous = s;
        s = next;
      }
      energies.push(this.energy(s));
      if (!changed) return { state: s, energies, converged: true, sweeps: sweep, cycle: false };
    }
    return { state: s, energies, converged: false, sweeps: maxSweeps, cycle: false };
  }
}
