/**
 * XOR by error back-propagation: a 2-2-1 network of sigmoid units trained
 * by full-batch gradient descent on E = ½ Σ (t − z)², the textbook set-up.
 * Gradients come from autograd; the update is the delta rule's Δw = −η ∂E/∂w.
 */
import { keep, manualSeed, randn, tensor, tidy, type Tensor } from '@nn/tensor';
import { noGrad, requiresGrad } from '@nn/autograd';

manualSeed(Number(process.env.SEED ?? 3));
const eta = 2;
const epochs = 3000;

const inputs = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const targets = tensor([[0], [1], [1], [0]]);

// Small random weights, as the chapter prescribes; biases act as thresholds.
let params: Tensor[] = [randn([2, 2]), randn([2]), randn([2, 1]), randn([1])].map((p) => requiresGrad(keep(p)));

const forward = ([w1, b1, w2, b2]: Tensor[], x: Tensor): Tensor => x.matmul(w1!).add(b1!).sigmoid().matmul(w2!).add(b2!).sigmoid();

for (let epoch = 0; epoch <= epochs; epoch++) {
  const { loss, next } = tidy(() => {
    const z = forward(params, inputs);
    const E = targets.sub(z).square().sum().mul(0.5);
    E.backward();
    return { loss: E.item(), next: noGrad(() => params.map((p) => p.sub(p.grad!.mul(eta)))) };
  });
  for (const p of params) {
    p.grad?.dispose();
    p.dispose();
  }
  params = next.map((p) => requiresGrad(keep(p)));
  if (epoch % 300 === 0) console.log(`epoch ${String(epoch).padStart(4)}  loss ${loss.toFixed(6)}`);
}

const predictions = tidy(() => forward(params, inputs).dataSync());
console.log('\nx1 x2 | target | output');
(inputs.toArray() as number[][]).forEach(([a, b], i) => {
  const t = (targets.toArray() as number[][])[i]![0]!;
  console.log(` ${a}  ${b} |   ${t}    | ${predictions[i]!.toFixed(4)}`);
});
const correct = Array.from(predictions).every((p, i) => Math.round(p) === (targets.toArray() as number[][])[i]![0]);
console.log(correct ? '\nXOR learned: every output rounds to its target.' : '\nNot yet learned: try more epochs or another SEED.');
process.exitCode = correct ? 0 : 1;
