/**
 * `summary`: a Keras-style table of a model's layers.
 * @module
 */
import { noGrad } from '@nn/autograd';
import { fmtShape, tidy, zeros } from '@nn/tensor';
import type { Module } from './module.js';

/**
 * Runs `model` once on zeros of `inputShape` (batch dim included) and
 * returns a table of its leaf layers, their output shapes, parameter counts
 * and multiply-adds (as torchinfo prints them: the products of convolutions
 * and fully connected layers, see `Module.multiplyAdds`), with totals.
 */
export function summary(model: Module, inputShape: readonly number[]): string {
  const leaves = model.namedModules().filter(([, m]) => m.children().length === 0);
  const shapes = new Map<Module, string>();
  const macs = new Map<Module, number>();
  const handles = leaves.map(([, m]) =>
    m.registerForwardHook((_, inputs, y) => {
      shapes.set(m, fmtShape(y.shape));
      // a layer called twice (a shared module) counts both calls
      macs.set(m, (macs.get(m) ?? 0) + m.multiplyAdds(inputs.map((t) => t.shape), y.shape));
    }),
  );
  const wasTraining = model.training;
  try {
    model.eval();
    tidy(() => {
      noGrad(() => model.call(zeros(inputShape)));
    });
  } finally {
    for (const handle of handles) handle.remove();
    model.train(wasTraining);
  }
  const count = (m: Module) => m.parameters().reduce((n, p) => n + p.size, 0);
  const rows = leaves.map(([name, m]) => [`${name || 'model'} (${m.constructor.name})`, shapes.get(m) ?? '(not called)', count(m).toLocaleString('en-US'), (macs.get(m) ?? 0).toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Mult-Adds'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)) + 2);
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c]!)).join('').trimEnd();
  const total = count(model);
  const totalMacs = [...macs.values()].reduce((a, b) => a + b, 0);
  const trainable = model.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  return [
    `Model: ${model.constructor.name}`,
    rule('_'),
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
    `Total mult-adds (G): ${(totalMacs / 1e9).toFixed(2)}`,
  ].join('\n');
}
