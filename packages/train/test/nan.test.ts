import { describe, expect, it } from 'vitest';
import { Linear, Sequential } from '@nn/layers-core';
import { ReLU } from '@nn/activations';
import { SGD } from '@nn/optim';
import { manualSeed } from '@nn/tensor';
import { fit, History, ProgressBar, TerminateOnNaN } from '../src/index.js';
import { blobs, loaderOf } from './helpers.js';

describe('a diverging run', () => {
  it('TerminateOnNaN stops at the first non-finite batch loss and says where', () => {
    manualSeed(4);
    const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3));
    const guard = new TerminateOnNaN();
    const lines: string[] = [];
    const bar = new ProgressBar({ stream: { write: (s: string) => void lines.push(s) }, plain: true, plainEvery: 1 });
    const history = fit(model, loaderOf(blobs(200), 10), { epochs: 5, optimizer: new SGD(model.parameters(), { lr: 1e30 }), loss: 'crossEntropy', callbacks: [guard, bar] });
    expect(guard.stoppedAt).toBeDefined();
    expect(guard.stoppedAt!.epoch).toBe(0);
    expect(Number.isFinite(guard.stoppedAt!.loss)).toBe(false);
    expect(guard.message).toMatch(/training stopped: the loss became (NaN|Infinity) at epoch 1, batch \d+/);
    // It stopped in the first epoch, after the bad batch, and the epoch's logs show the bad loss.
    expect(history.epochs.length).toBe(1);
    expect(Number.isFinite(history.last!.loss)).toBe(false);
    expect(history.last!.accuracy).toBeLessThan(0.5);
    // The progress bar shows the non-finite loss instead of dropping the column.
    expect(lines.join('')).toMatch(/loss (NaN|Infinity)/);
  });

  it('does not stop a finite run', () => {
    manualSeed(5);
    const model = new Sequential(new Linear(2, 3));
    const guard = new TerminateOnNaN();
    const history = fit(model, loaderOf(blobs(30), 10), { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', callbacks: [guard], verbose: false });
    expect(guard.stoppedAt).toBeUndefined();
    expect(guard.message).toBeUndefined();
    expect(history.epochs.length).toBe(2);
  });

  it('History JSON keeps NaN and infinities (JSON.stringify would write null)', () => {
    const h = new History();
    h.epochs.push({ epoch: 0, loss: NaN, accuracy: 0.1, lr: Infinity, x: -Infinity });
    const text = h.toJSON();
    expect(text).toContain('"NaN"');
    expect(text).not.toContain('null');
    const back = History.fromJSON(text).last!;
    expect(back.loss).toBeNaN();
    expect(back.lr).toBe(Infinity);
    expect(back.x).toBe(-Infinity);
    expect(back.accuracy).toBe(0.1);
  });
});

describe('async forms for pages', () => {
  it('fitAsync, evaluateAsync and predictAsync give what the sync forms give, and let the event loop run between batches', async () => {
    const { evaluate, evaluateAsync, fitAsync, predict, predictAsync } = await import('../src/index.js');
    const { memory } = await import('@nn/tensor');
    const run = async (async: boolean) => {
      manualSeed(9);
      const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 3));
      const data = blobs(60);
      const opts = { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy' as const, validation: loaderOf(blobs(20), 10, false), verbose: false };
      const history = async ? await fitAsync(model, loaderOf(data, 10), opts) : fit(model, loaderOf(data, 10), opts);
      return { model, history, data };
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const a = await run(true);
    clearInterval(timer);
    const b = await run(false);
    expect(ticks).toBeGreaterThan(3);
    expect(a.history.get('loss')).toEqual(b.history.get('loss'));
    expect(a.history.get('valAccuracy')).toEqual(b.history.get('valAccuracy'));
    const loader = loaderOf(a.data, 7, false);
    expect(await evaluateAsync(a.model, loader, { loss: 'crossEntropy' })).toEqual(evaluate(a.model, loader, { loss: 'crossEntropy' }));
    const before = memory().tensors;
    const p = await predictAsync(a.model, a.data.x, { batchSize: 16 });
    expect(memory().tensors).toBe(before + 1);
    expect(p.toArray()).toEqual(predict(a.model, a.data.x, { batchSize: 16 }).toArray());
  });
});
