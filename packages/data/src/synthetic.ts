/**
 * Synthetic sequence tasks.
 * @module
 */
import { rand, randint, tensor, type Tensor, ValueError } from '@nn/tensor';

/**
 * The adding problem (Hochreiter and Schmidhuber 1997): each sequence has
 * `length` steps of two features, a value U(0, 1) and a marker that is 1 at
 * exactly two steps (one in each half); the target is the sum of the two
 * marked values. Predicting the mean (1) gives MSE ≈ 1/6 ≈ 0.167; solving it
 * needs memory across the whole sequence. Seeded by `manualSeed`.
 * Returns inputs [length, batch, 2] and targets [batch, 1].
 */
export function addingProblem(length: number, batch: number): { x: Tensor; y: Tensor } {
  if (!Number.isInteger(length) || length < 2 || !Number.isInteger(batch) || batch < 1) {
    throw new ValueError(`length must be an integer >= 2 and batch a positive integer, got ${length} and ${batch}`, 'addingProblem');
  }
  const values = rand([length, batch]).dataSync();
  const half = Math.floor(length / 2);
  const first = randint(0, half, [batch]).dataSync();
  const second = randint(half, length, [batch]).dataSync();
  const x = new Float32Array(length * batch * 2);
  const y = new Float32Array(batch);
  for (let t = 0; t < length; t++) {
    for (let b = 0; b < batch; b++) {
      const at = (t * batch + b) * 2;
      x[at] = values[t * batch + b]!;
      if (t === first[b] || t === second[b]) {
        x[at + 1] = 1;
        y[b]! += values[t * batch + b]!;
      }
    }
  }
  return { x: tensor(x, [length, batch, 2]), y: tensor(y, [batch, 1]) };
}
