/**
 * The progress bar: loss, accuracy, samples/s and ETA. On a terminal it is
 * a live bar (cli-progress); otherwise (CI, pipes) it prints plain lines.
 * @module
 */
import cliProgress from 'cli-progress';
import type { Callback, BatchLogs, TrainContext } from './callbacks.js';
import type { EpochLogs } from './history.js';

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Where to write (default `process.stdout`). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Force plain lines (default: plain when the stream is not a TTY). */
  plain?: boolean;
  /** In plain mode, a line every this many percent of an epoch (default 25). */
  plainEvery?: number;
}

function fmtTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** Formats logged values; NaN and infinities show as they are (a diverged loss must be seen). */
function fmtMetrics(logs: Record<string, number>, skip: string[]): string {
  return Object.entries(logs)
    .filter(([k, v]) => !skip.includes(k) && typeof v === 'number')
    .map(([k, v]) => `${k} ${k === 'lr' ? v.toPrecision(3) : v.toFixed(4)}`)
    .join(' | ');
}

/** Shows training progress per epoch. `fit` adds one unless `verbose: false`. */
export class ProgressBar implements Callback {
  private bar: cliProgress.SingleBar | undefined;
  private epochStart = 0;
  private nextPlain = 0;
  private readonly stream: NonNullable<ProgressBarOptions['stream']>;
  private readonly plain: boolean;
  private readonly plainEvery: number;

  constructor({ stream = process.stdout, plain, plainEvery = 25 }: ProgressBarOptions = {}) {
    this.stream = stream;
    this.plain = plain ?? !stream.isTTY;
    this.plainEvery = plainEvery;
  }

  onEpochBegin(epoch: number, ctx: TrainContext): void {
    this.epochStart = performance.now();
    this.nextPlain = this.plainEvery;
    const label = `epoch ${epoch + 1}/${ctx.epochs}`;
    if (this.plain) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {metrics} | {rate} samples/s | ETA {etaText}`,
        stream: this.stream as NodeJS.WriteStream,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 24,
      },
      cliProgress.Presets.legacy,
    );
    this.bar.start(ctx.samplesPerEpoch, 0, { metrics: '', rate: '0', etaText: '?' });
  }

  onBatchEnd(logs: BatchLogs, ctx: TrainContext): void {
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const rate = logs.seen / Math.max(elapsed, 1e-9);
    const eta = (ctx.samplesPerEpoch - logs.seen) / rate;
    const metrics = fmtMetrics(logs, ['batch', 'seen']);
    if (this.bar) {
      this.bar.update(logs.seen, { metrics, rate: Math.round(rate).toLocaleString('en-US'), etaText: fmtTime(eta) });
      return;
    }
    const percent = (100 * logs.seen) / ctx.samplesPerEpoch;
    if (percent >= this.nextPlain && logs.seen < ctx.samplesPerEpoch) {
      this.nextPlain += this.plainEvery;
      this.stream.write(`  ${percent.toFixed(0).padStart(3)}% ${logs.seen}/${ctx.samplesPerEpoch} | ${metrics} | ${Math.round(rate)} samples/s | ETA ${fmtTime(eta)}\n`);
    }
  }

  onEpochEnd(logs: EpochLogs, ctx: TrainContext): void {
    this.bar?.stop();
    this.bar = undefined;
    const summary = fmtMetrics(logs, ['epoch', 'seconds', 'samplesPerSecond']);
    this.stream.write(`epoch ${logs.epoch + 1}/${ctx.epochs} done in ${fmtTime(logs.seconds!)} (${Math.round(logs.samplesPerSecond!)} samples/s) | ${summary}\n`);
  }

  onTrainEnd(): void {
    this.bar?.stop();
  }
}
