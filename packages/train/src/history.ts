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

  /**
   * The epochs as JSON. JSON has no NaN or infinities, and `JSON.stringify`
   * writes them as `null`; here they are written as the strings `"NaN"`,
   * `"Infinity"` and `"-Infinity"`, so a diverged run reads back as one.
   */
  toJSON(): string {
    return JSON.stringify(this.epochs, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
  }

  /** A history from {@link History.toJSON}'s text (`"NaN"`, `"Infinity"` become numbers again). */
  static fromJSON(text: string): History {
    const history = new History();
    const epochs = JSON.parse(text, (_, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as EpochLogs[];
    history.epochs.push(...epochs);
    return history;
  }

  /** The last epoch's logs. */
  get last(): EpochLogs | undefined {
    return this.epochs[this.epochs.length - 1];
  }
}
