/**
 * The record `fit` returns.
 * @module
 */

/** What one epoch measured: `loss`, metrics, `val*` counterparts, `lr`, timing. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  [key: string]: number;
}

/** Per-epoch logs of a training run. */
export class History {
  readonly epochs: EpochLogs[] = [];

  /** The values of one key across epochs (`history.get('valAccuracy')`). */
  get(key: string): number[] {
    return this.epochs.map((e) => e[key]!).filter((v) => v !== undefined);
  }

  /** The keys logged (besides `epoch`). */
  keys(): string[] {
    return [...new Set(this.epochs.flatMap((e) => Object.keys(e)))].filter((k) => k !== 'epoch');
  }

  /** The last epoch's logs. */
  get last(): EpochLogs | undefined {
    return this.epochs[this.epochs.length - 1];
  }
}
