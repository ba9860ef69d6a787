/**
 * @nn/train: `fit`, `evaluate`, `predict`, metrics, callbacks (progress
 * bar, early stopping, checkpointing), checkpoints and training curves.
 *
 * @example
 * ```ts
 * import { fit, plotHistory } from '@nn/train';
 * const history = fit(model, trainLoader, { epochs: 5, optimizer, loss: 'crossEntropy', validation: testLoader });
 * await plotHistory(history, 'curves.html');
 * ```
 * @packageDocumentation
 */
export { fit, fitAsync, evaluate, evaluateAsync, predict, predictAsync, type FitOptions, type EvaluateOptions, type EpochScheduler } from './fit.js';
export { History, type EpochLogs } from './history.js';
export { accuracy, topKAccuracy, TopKAccuracy, resolveMetrics, metricValues, type Metric, type MetricSpec } from './metrics.js';
export { ConfusionMatrix, SegmentationMetrics, type SegmentationScores } from './segmentation-metrics.js';
export { segmentationGrid, writeSegmentationGrid, type SegmentationRow, type SegmentationGridOptions } from './segmentation-picture.js';
export { resolveLoss, type LossFn, type LossName } from './losses.js';
export { EarlyStopping, TerminateOnNaN, type Callback, type TrainContext, type BatchLogs, type EarlyStoppingOptions } from './callbacks.js';
export { ProgressBar, type ProgressBarOptions } from './progress.js';
export { saveCheckpoint, saveCheckpointAsync, loadCheckpoint, ModelCheckpoint, type CheckpointInfo, type ModelCheckpointOptions } from './checkpoint.js';
export { plotHistory, plotSeries, seriesSpec, renderSvg, writeChart, type Series, type PlotOptions, type Figure } from './plot.js';
