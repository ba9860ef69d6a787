/**
 * `fit`, `evaluate` and `predict`: the training loop, written once,
 * leak-free (every batch runs in a `tidy` scope and its tensors are
 * disposed).
 * @module
 */
import { noGrad } from '@nn/autograd';
import type { DataLoader } from '@nn/data';
import type { Module } from '@nn/layers-core';
import { clipGradNorm as clip, type Optimizer } from '@nn/optim';
import { BackendError, canReadSync, concat, dispose, getBackend, keep, type Tensor, tidy, toCpu, ValueError, withBackend } from '@nn/tensor';
import type { BatchLogs, Callback, TrainContext } from './callbacks.js';
import { type EpochLogs, History } from './history.js';
import { type LossFn, type LossName, resolveLoss } from './losses.js';
import { metricValues, type MetricSpec, resolveMetrics } from './metrics.js';
import { ProgressBar } from './progress.js';

/**
 * Something with a per-epoch `step()` (StepLR, ...) or `step(metric)`
 * (ReduceLROnPlateau); with `interval: 'batch'` (OneCycleLR) it is stepped
 * after every batch instead.
 */
export interface EpochScheduler {
  step(metric?: number): void;
  readonly interval?: 'epoch' | 'batch';
}

/** Options of {@link fit}. */
export interface FitOptions {
  epochs: number;
  optimizer: Optimizer;
  /** A loss function `(output, target) => scalar`, or a name (`crossEntropy`, `mse`, ...). */
  loss: LossFn | LossName;
  /** Metrics to log (default `['accuracy']` for cross-entropy, none otherwise). */
  metrics?: MetricSpec[];
  /** Data evaluated after every epoch; logged as `valLoss`, `valAccuracy`, ... */
  validation?: DataLoader;
  callbacks?: Callback[];
  /** Stepped after every epoch (with `valLoss`, or `loss`, when it takes a metric), or after every batch when its `interval` is `'batch'`. */
  scheduler?: EpochScheduler;
  /** Clip the global gradient norm to this value before every step. */
  clipGradNorm?: number;
  /**
   * Add a {@link ProgressBar} writing to stdout (default true). With `false`,
   * `fit` prints nothing; a `ProgressBar` passed in `callbacks` is used as it is.
   */
  verbose?: boolean;
  /** Start counting epochs here (when resuming from a checkpoint). */
  initialEpoch?: number;
}

function capitalized(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

/**
 * Trains `model` on the batches of `loader` (each `[input, target]`) for
 * `epochs` epochs and returns the per-epoch history.
 *
 * @example
 * ```ts
 * const history = fit(model, trainLoader, { epochs: 5, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', validation: testLoader });
 * history.get('valAccuracy');
 * ```
 */
export function fit(model: Module, loader: DataLoader, options: FitOptions): History {
  return runToEnd(fitSteps(model, loader, options), 'fit');
}

/**
 * {@link fit} for pages and async backends: the same loop and callbacks, but
 * it yields to the event loop after every batch, so a page stays responsive
 * while it trains.
 */
export function fitAsync(model: Module, loader: DataLoader, options: FitOptions): Promise<History> {
  return runYielding(fitSteps(model, loader, options));
}

/**
 * A step generator: it yields nothing between batches, or a promise of data
 * it must wait for (a GPU backend's loss and outputs), which the runner
 * resolves and passes back.
 */
type Steps<T> = Generator<Promise<Tensor[]> | void, T, Tensor[] | undefined>;

/** Runs a step generator to its end, synchronously. */
function runToEnd<T>(steps: Steps<T>, name: string): T {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    if (r.value !== undefined) {
      steps.return(undefined as T);
      throw new BackendError(`the active backend '${getBackend()}' reads its data asynchronously: use ${name}Async`, name);
    }
  }
}

/** Runs a step generator, giving the event loop a turn between steps and waiting for the reads it asks for. */
async function runYielding<T>(steps: Steps<T>): Promise<T> {
  for (let r = steps.next(); ; ) {
    if (r.done) return r.value;
    if (r.value !== undefined) {
      let values: Tensor[];
      try {
        values = await r.value;
      } catch (e) {
        r = steps.throw(e);
        continue;
      }
      r = steps.next(values);
    } else {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      r = steps.next();
    }
  }
}

/**
 * The tensors as tensors the loop can read synchronously, and the backend to
 * compute on them with: themselves and the active backend when they can be
 * read so (cpu, wasm), else cpu copies made from `await data()` (webgpu),
 * which the caller disposes.
 */
function* readable(tensors: readonly Tensor[]): Generator<Promise<Tensor[]>, { tensors: Tensor[]; copies: boolean; backend: string }, Tensor[] | undefined> {
  if (tensors.every(canReadSync)) return { tensors: [...tensors], copies: false, backend: getBackend() };
  return { tensors: (yield toCpu(tensors))!, copies: true, backend: 'cpu' };
}

/** The training loop, one yield per batch. */
function* fitSteps(model: Module, loader: DataLoader, options: FitOptions): Steps<History> {
  const { epochs, optimizer, validation, scheduler, initialEpoch = 0, verbose = true } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError(`epochs must be a positive integer, got ${epochs}`, 'fit');
  const lossFn = resolveLoss(options.loss);
  const metrics = resolveMetrics(options.metrics ?? (options.loss === 'crossEntropy' ? ['accuracy'] : []));
  const callbacks: Callback[] = [...(verbose && !(options.callbacks ?? []).some((c) => c instanceof ProgressBar) ? [new ProgressBar()] : []), ...(options.callbacks ?? [])];
  const history = new History();
  let stopping = false;
  const ctx: TrainContext = {
    model,
    optimizer,
    epochs: initialEpoch + epochs,
    batchesPerEpoch: loader.length,
    samplesPerEpoch: loader.dropLast ? loader.length * loader.batchSize : loader.dataset.length,
    history,
    stop: () => (stopping = true),
  };
  for (const c of callbacks) c.onTrainBegin?.(ctx);
  for (let epoch = initialEpoch; epoch < initialEpoch + epochs && !stopping; epoch++) {
    for (const c of callbacks) c.onEpochBegin?.(epoch, ctx);
    model.train();
    for (const m of metrics) m.reset();
    const start = performance.now();
    let lossSum = 0;
    let seen = 0;
    let batch = 0;
    for (const tensors of loader) {
      const [x, y] = tensors as [Tensor, Tensor];
      const n = x.shape[0] ?? 1;
      const [loss, output] = tidy(() => {
        const output = model.call(x);
        const loss = lossFn(output, y);
        loss.backward();
        return [loss, output];
      });
      // Loss and metrics are read on the host, after waiting for them where the backend is asynchronous.
      const host = yield* readable([loss, output, y]);
      const [hostLoss, hostOutput, hostY] = host.tensors as [Tensor, Tensor, Tensor];
      const lossValue = hostLoss.item();
      withBackend(host.backend, () => tidy(() => noGrad(() => metrics.forEach((m) => m.update(hostOutput, hostY)))));
      dispose([loss, output]);
      if (host.copies) dispose(host.tensors);
      if (options.clipGradNorm !== undefined) clip(model.parameters(), options.clipGradNorm);
      optimizer.step();
      optimizer.zeroGrad();
      if (scheduler?.interval === 'batch') scheduler.step();
      dispose(tensors);
      lossSum += lossValue * n;
      seen += n;
      const logs: BatchLogs = { batch: batch++, seen, loss: lossSum / seen };
      for (const m of metrics) Object.assign(logs, metricValues(m));
      for (const c of callbacks) c.onBatchEnd?.(logs, ctx);
      if (stopping) break;
      yield;
    }
    const seconds = (performance.now() - start) / 1000;
    const logs: EpochLogs = { epoch, loss: lossSum / Math.max(seen, 1) };
    for (const m of metrics) Object.assign(logs, metricValues(m));
    if (validation) {
      // The training values are logged above, so the same accumulators can be reset and reused.
      const val = yield* evaluateSteps(model, validation, { loss: lossFn, metrics });
      for (const [k, v] of Object.entries(val)) logs[`val${capitalized(k)}`] = v;
    }
    logs.lr = optimizer.lr;
    logs.seconds = seconds;
    logs.samplesPerSecond = seen / Math.max(seconds, 1e-9);
    history.epochs.push(logs);
    if (scheduler?.interval !== 'batch') scheduler?.step(logs.valLoss ?? logs.loss);
    for (const c of callbacks) c.onEpochEnd?.(logs, ctx);
  }
  for (const c of callbacks) c.onTrainEnd?.(ctx);
  return history;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  loss?: LossFn | LossName;
  metrics?: MetricSpec[];
}

/** Loss and metrics of `model` over `loader`, in evaluation mode and without gradients. */
export function evaluate(model: Module, loader: DataLoader, options: EvaluateOptions = {}): Record<string, number> {
  return runToEnd(evaluateSteps(model, loader, options), 'evaluate');
}

/** {@link evaluate}, yielding to the event loop after every batch. */
export function evaluateAsync(model: Module, loader: DataLoader, options: EvaluateOptions = {}): Promise<Record<string, number>> {
  return runYielding(evaluateSteps(model, loader, options));
}

/** The evaluation loop, one yield per batch. */
function* evaluateSteps(model: Module, loader: DataLoader, options: EvaluateOptions): Steps<Record<string, number>> {
  const lossFn = options.loss === undefined ? undefined : resolveLoss(options.loss);
  const metrics = resolveMetrics(options.metrics ?? ['accuracy']);
  for (const m of metrics) m.reset();
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let seen = 0;
  try {
    for (const tensors of loader) {
      const [x, y] = tensors as [Tensor, Tensor];
      const n = x.shape[0] ?? 1;
      const output = tidy(() => noGrad(() => model.call(x)));
      const host = yield* readable([output, y]);
      const [hostOutput, hostY] = host.tensors as [Tensor, Tensor];
      withBackend(host.backend, () =>
        tidy(() =>
          noGrad(() => {
            if (lossFn) lossSum += lossFn(hostOutput, hostY).item() * n;
            for (const m of metrics) m.update(hostOutput, hostY);
          }),
        ),
      );
      output.dispose();
      if (host.copies) dispose(host.tensors);
      dispose(tensors);
      seen += n;
      yield;
    }
  } finally {
    model.train(wasTraining);
  }
  const out: Record<string, number> = {};
  if (lossFn) out.loss = lossSum / Math.max(seen, 1);
  for (const m of metrics) Object.assign(out, metricValues(m));
  return out;
}

/** The model's output for `input` (a tensor, run in chunks of `batchSize`), in evaluation mode, without gradients. */
export function predict(model: Module, input: Tensor, { batchSize = 256 }: { batchSize?: number } = {}): Tensor {
  return runToEnd(predictSteps(model, input, batchSize), 'predict');
}

/** {@link predict}, yielding to the event loop after every chunk. */
export function predictAsync(model: Module, input: Tensor, { batchSize = 256 }: { batchSize?: number } = {}): Promise<Tensor> {
  return runYielding(predictSteps(model, input, batchSize));
}

/** The prediction loop, one yield per chunk; chunks are kept until concatenated, then released. */
function* predictSteps(model: Module, input: Tensor, batchSize: number): Steps<Tensor> {
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    const n = input.shape[0] ?? 1;
    for (let i = 0; i < n; i += batchSize) {
      outputs.push(keep(tidy(() => noGrad(() => model.call(input.slice([i], [Math.min(n, i + batchSize)]))))));
      yield;
    }
    return outputs.length === 1 ? outputs[0]!.clone() : concat(outputs, 0);
  } finally {
    dispose(outputs);
    model.train(wasTraining);
  }
}
