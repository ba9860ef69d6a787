/**
 * Hopfield networks as associative memories for binarised MNIST digits
 * (784 units, pixel > 0.5 is +1): how many patterns each storage rule
 * holds, probed from the stored patterns with 30% of their pixels flipped,
 * against random patterns and the classical capacity of about 0.138·N for
 * the Hebbian rule; and a picture of corrupted and recalled digits.
 *
 *   npm run build && npm run start -w @nn/example-hopfield-digits
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import { loadMnist } from '@nn/data';
import { HopfieldNetwork, ModernHopfield } from '@nn/hopfield';
import { manualSeed, rand, tensor } from '@nn/tensor';
import { plotSeries } from '@nn/train';

const N = 784, FLIP = 0.3, PROBES = 20;
const mnist = loadMnist({ trainSize: 2000, testSize: 0 });
const pixels = mnist.train.images.dataSync();
const labels = mnist.train.labels.dataSync();
const digit = (k: number) => Array.from({ length: N }, (_, i) => (pixels[k * N + i]! > 0.5 ? 1 : -1));
const digits = Array.from({ length: 2000 }, (_, k) => digit(k));
manualSeed(7);
const noise = rand([2000, N]).dataSync();
const randomPatterns = Array.from({ length: 200 }, (_, k) => Array.from({ length: N }, (_, i) => (noise[k * N + i]! < 0.5 ? -1 : 1)));
manualSeed(8);
const flips = rand([PROBES, N]).dataSync();
const corrupt = (p: number[], probe: number) => p.map((v, i) => (flips[probe * N + i]! < FLIP ? -v : v));
const overlap = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < N; i++) s += a[i]! * b[i]!;
  return s / N;
};

/** Fraction of the first min(P, PROBES) of the P stored patterns recalled (overlap ≥ 0.98 after recall from 30% flips). */
function recallRate(net: HopfieldNetwork, patterns: number[][], P: number): number {
  const probes = Math.min(PROBES, P);
  let hits = 0;
  for (let k = 0; k < probes; k++) if (overlap(net.recall(corrupt(patterns[k]!, k), { maxSweeps: 20, seed: k }).state, patterns[k]!) >= 0.98) hits++;
  return hits / probes;
}

const loads = [1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 140, 160];
const curves: Record<string, number[]> = { 'random, Hebbian': [], 'random, pseudo-inverse': [], 'digits, Hebbian': [], 'digits, pseudo-inverse': [] };
const started = performance.now();
for (const P of loads) {
  const net = new HopfieldNetwork(N);
  curves['random, Hebbian']!.push(recallRate(net.storeHebbian(randomPatterns.slice(0, P)), randomPatterns, P));
  curves['random, pseudo-inverse']!.push(recallRate(net.storePseudoInverse(randomPatterns.slice(0, P)), randomPatterns, P));
  curves['digits, Hebbian']!.push(recallRate(net.storeHebbian(digits.slice(0, P)), digits, P));
  curves['digits, pseudo-inverse']!.push(recallRate(net.storePseudoInverse(digits.slice(0, P)), digits, P));
  console.log(`P = ${String(P).padStart(3)} (α = ${(P / N).toFixed(3)}): ${Object.entries(curves).map(([k, v]) => `${k} ${(v.at(-1)! * 100).toFixed(0)}%`).join(', ')}`);
}
// The modern layer: 1,000 digits stored (1.3x the number of units), one step at β = BETA.
const BETA = Number(process.env.BETA ?? 0.5);
const modern = new ModernHopfield(tensor(digits.slice(0, 1000).flat(), [1000, N]), BETA);
let modernHits = 0;
for (let k = 0; k < PROBES; k++) if (overlap(modern.call(tensor(corrupt(digits[k]!, k), [1, N])).dataSync(), digits[k]!) >= 0.98) modernHits++;
console.log(`modern Hopfield layer, 1,000 digits stored: ${((modernHits / PROBES) * 100).toFixed(0)}% of ${PROBES} probes recalled (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);

mkdirSync('out', { recursive: true });
const alphas = loads.map((P) => P / N);
await plotSeries(
  [...Object.entries(curves).map(([name, values]) => ({ name, values, x: alphas })), { name: 'Hebbian capacity 0.138 N (Amit et al.)', values: [0, 1], x: [0.138, 0.138] }],
  'out/capacity.html',
  { title: `Recall from ${FLIP * 100}% flipped pixels, ${N} units`, xLabel: 'stored patterns / units (α = P / N)', yLabel: 'fraction recalled (overlap ≥ 0.98)', width: 640 },
);

// The picture: 8 digits stored (one Hebbian, one pseudo-inverse network), and the modern layer with 1,000.
const shown = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => Array.from(labels).indexOf(c));
const stored = shown.map((k) => digits[k]!);
const hebb = new HopfieldNetwork(N).storeHebbian(stored), pinv = new HopfieldNetwork(N).storePseudoInverse(stored);
const modernAll = new ModernHopfield(tensor([...stored, ...digits.slice(0, 992)].flat(), [1000, N]), BETA);
const columns = ['stored', `${FLIP * 100}% flipped`, 'Hebbian, 8', 'pseudo-inv., 8', 'modern, 1,000'];
const Z = 3, cell = 28 * Z, pad = 8, head = 22;
const canvas = createCanvas(pad + columns.length * (cell + pad), head + shown.length * (cell + pad) + pad);
const g = canvas.getContext('2d');
g.fillStyle = '#fff';
g.fillRect(0, 0, canvas.width, canvas.height);
g.fillStyle = '#000';
g.font = '12px DejaVu Sans, sans-serif';
columns.forEach((t, c) => g.fillText(t, pad + c * (cell + pad), 15, cell + pad - 2));
const draw = (values: ArrayLike<number>, row: number, col: number) => {
  const img = g.createImageData(cell, cell);
  for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) {
    const v = values[Math.floor(y / Z) * 28 + Math.floor(x / Z)]! > 0 ? 0 : 255;
    img.data.set([v, v, v, 255], 4 * (y * cell + x));
  }
  g.putImageData(img, pad + col * (cell + pad), head + row * (cell + pad));
};
stored.forEach((p, r) => {
  const probe = corrupt(p, r);
  draw(p, r, 0);
  draw(probe, r, 1);
  draw(hebb.recall(probe, { seed: r }).state, r, 2);
  draw(pinv.recall(probe, { seed: r }).state, r, 3);
  draw(modernAll.call(tensor(probe, [1, N])).dataSync(), r, 4);
});
writeFileSync('out/recall.png', canvas.toBuffer('image/png'));
console.log('wrote out/capacity.html and out/recall.png');
