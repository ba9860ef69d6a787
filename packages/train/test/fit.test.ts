import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dropout, Linear, Sequential, crossEntropy } from '@nn/layers-core';
import { ReLU } from '@nn/activations';
import { Adam, SGD, StepLR } from '@nn/optim';
import { manualSeed, memory, tensor, ValueError } from '@nn/tensor';
import { EarlyStopping, evaluate, fit, History, loadCheckpoint, ModelCheckpoint, plotHistory, plotSeries, predict, ProgressBar, saveCheckpoint, type Callback, type Metric } from '../src/index.js';
import { blobs, loaderOf } from './helpers.js';

const net = () => new Sequential(new Linear(2, 16), new ReLU(), new Dropout(0.1), new Linear(16, 3));

describe('fit', () => {
  it('learns a generated 3-class problem and returns a history', () => {
    manualSeed(1);
    const train = blobs(300), test = blobs(150);
    const model = net();
    const history = fit(model, loaderOf(train, 32), { epochs: 8, optimizer: new Adam(model.parameters(), { lr: 0.02 }), loss: 'crossEntropy', validation: loaderOf(test, 50, false), verbose: false });
    expect(history.epochs.length).toBe(8);
    expect(history.keys()).toEqual(expect.arrayContaining(['loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr', 'seconds', 'samplesPerSecond']));
    expect(history.get('loss')[7]!).toBeLessThan(history.get('loss')[0]!);
    expect(history.last!.valAccuracy).toBeGreaterThan(0.95);
    const out = predict(model, test.x, { batchSize: 64 });
    expect(out.shape).toEqual([150, 3]);
    expect(evaluate(model, loaderOf(test, 50, false), { loss: 'crossEntropy' }).accuracy).toBe(history.last!.valAccuracy);
  });

  it('is leak-free: memory().tensors stays flat across epochs', () => {
    manualSeed(2);
    const model = net();
    const counts: number[] = [];
    const probe: Callback = { onEpochEnd: () => void counts.push(memory().tensors) };
    fit(model, loaderOf(blobs(200), 16), { epochs: 4, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', validation: loaderOf(blobs(50), 25), callbacks: [probe], verbose: false });
    expect(counts.length).toBe(4);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[1]).toBe(counts[0]);
  });

  it('a custom Metric is logged for training and, counted afresh, for validation', () => {
    manualSeed(6);
    let count = 0;
    const seen: Metric = { name: 'seen', reset: () => void (count = 0), update: (o) => void (count += o.shape[0]!), result: () => count };
    const model = net();
    const history = fit(model, loaderOf(blobs(40), 10), { epochs: 1, optimizer: new SGD(model.parameters()), loss: 'crossEntropy', metrics: [seen], validation: loaderOf(blobs(15), 5), verbose: false });
    expect(history.last!.seen).toBe(40);
    expect(history.last!.valSeen).toBe(15);
  });

  it('steps a scheduler per epoch and can clip gradients', () => {
    manualSeed(3);
    const model = net();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const history = fit(model, loaderOf(blobs(60), 20), { epochs: 3, optimizer: opt, loss: 'crossEntropy', scheduler: new StepLR(opt, 1, 0.5), clipGradNorm: 1, verbose: false });
    expect(history.get('lr')).toEqual([0.1, 0.05, 0.025]);
    expect(opt.lr).toBe(0.0125);
  });

  it('EarlyStopping stops when the monitored value stalls, restoring the best weights', () => {
    manualSeed(4);
    const model = net();
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    // lr 0 never improves: stop after 1 + patience + 1 epochs.
    const history = fit(model, loaderOf(blobs(30), 10), { epochs: 20, optimizer: new SGD(model.parameters(), { lr: 0 }), loss: 'crossEntropy', callbacks: [stopper], verbose: false });
    expect(history.epochs.length).toBeLessThanOrEqual(4);
    expect(stopper.stoppedEpoch).toBe(history.epochs.length - 1);
    expect(() => fit(model, loaderOf(blobs(30), 10), { epochs: 1, optimizer: new SGD(model.parameters()), loss: 'crossEntropy', callbacks: [new EarlyStopping({ monitor: 'f1' })], verbose: false })).toThrow(/monitored value 'f1' is not logged/);
  });

  it('the progress bar prints plain lines when not on a terminal', () => {
    manualSeed(5);
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s), isTTY: false };
    const model = net();
    fit(model, loaderOf(blobs(64), 8), { epochs: 2, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', callbacks: [new ProgressBar({ stream })] });
    const text = lines.join('');
    expect(text).toMatch(/ {2}25% 16\/64 \| loss \d\.\d{4} \| accuracy \d\.\d{4} \| \d+ samples\/s \| ETA \d+s/);
    expect(text).toMatch(/epoch 2\/2 done in \d+s \(\d+ samples\/s\) \| loss \d\.\d{4} \| accuracy \d\.\d{4} \| lr 0\.00100/);
  });

  it('rejects bad options and bad labels with typed errors', () => {
    const model = net();
    expect(() => fit(model, loaderOf(blobs(9), 3), { epochs: 0, optimizer: new SGD(model.parameters()), loss: 'crossEntropy', verbose: false })).toThrow(ValueError);
    expect(() => fit(model, loaderOf(blobs(9), 3), { epochs: 1, optimizer: new SGD(model.parameters()), loss: 'cosine' as never, verbose: false })).toThrow(/unknown loss 'cosine'/);
    const bad = { x: blobs(6).x, y: tensor([0, 1, 2, 3, 4, 5], undefined, 'int32') };
    expect(() => fit(model, loaderOf(bad, 3, false), { epochs: 1, optimizer: new SGD(model.parameters()), loss: (o, t) => crossEntropy(o, t), verbose: false })).toThrow(
      'crossEntropy: target holds class 3 at position 0, but input [3,3] has 3 classes (valid: 0 to 2, or ignoreIndex -100)',
    );
  });
});

describe('checkpoints', () => {
  it('training resumed from a checkpoint gives the same loss sequence as uninterrupted training', () => {
    const data = (() => {
      manualSeed(10);
      return blobs(96);
    })();
    const setup = () => {
      manualSeed(11);
      const model = net();
      return { model, optimizer: new Adam(model.parameters(), { lr: 0.01 }), loader: loaderOf(data, 16, true, 7) };
    };
    const straight = setup();
    const full = fit(straight.model, straight.loader, { epochs: 4, optimizer: straight.optimizer, loss: 'crossEntropy', verbose: false }).get('loss');

    const dir = mkdtempSync(join(tmpdir(), 'nn-ckpt-'));
    const first = setup();
    const part1 = fit(first.model, first.loader, { epochs: 2, optimizer: first.optimizer, loss: 'crossEntropy', verbose: false }).get('loss');
    saveCheckpoint(dir, { model: first.model, optimizer: first.optimizer, epoch: 2 });
    manualSeed(999); // whatever happens in between
    const second = setup();
    const info = loadCheckpoint(dir, { model: second.model, optimizer: second.optimizer });
    second.loader.epoch = info.epoch;
    const part2 = fit(second.model, second.loader, { epochs: 2, initialEpoch: info.epoch, optimizer: second.optimizer, loss: 'crossEntropy', verbose: false }).get('loss');
    expect([...part1, ...part2]).toEqual(full);
  });

  it('ModelCheckpoint saves the best epoch', () => {
    manualSeed(12);
    const dir = mkdtempSync(join(tmpdir(), 'nn-ckpt-'));
    const model = net();
    fit(model, loaderOf(blobs(60), 20), { epochs: 3, optimizer: new Adam(model.parameters(), { lr: 0.05 }), loss: 'crossEntropy', callbacks: [new ModelCheckpoint({ dir, saveBestOnly: true, metadata: { note: 'best' } })], verbose: false });
    const restored = net();
    const info = loadCheckpoint(dir, { model: restored });
    expect(info.metadata.note).toBe('best');
    expect(info.epoch).toBeGreaterThanOrEqual(1);
  });
});

describe('training curves', () => {
  it('writes an SVG chart, and HTML with the SVG inside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-plot-'));
    const history = new History();
    history.epochs.push({ epoch: 0, loss: 1, valLoss: 1.2, accuracy: 0.5 }, { epoch: 1, loss: 0.5, valLoss: 0.7, accuracy: 0.8 });
    await plotHistory(history, join(dir, 'curves.html'));
    const html = readFileSync(join(dir, 'curves.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).toContain('valLoss');
    await plotSeries([{ name: 'online', values: [3, 2, 1] }, { name: 'batch', values: [3, 2.5, 2] }], join(dir, 'c.svg'), { logY: true, yLabel: 'loss' });
    // A folder that does not exist yet is created; long legend labels are kept whole.
    const long = 'baseline (predict the mean of the training targets)';
    await plotSeries([{ name: long, values: [1, 2] }], join(dir, 'new', 'deeper', 'l.svg'));
    expect(readFileSync(join(dir, 'new', 'deeper', 'l.svg'), 'utf8')).toContain(`>${long}</text>`);
    const svg = readFileSync(join(dir, 'c.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('online');
    await expect(plotHistory(new History(), join(dir, 'x.svg'))).rejects.toThrow(/no loss to plot/);
  });
});
