import * as nn from '@nn/tensor';
const one = nn.keep(nn.tensor([1, 2, 3]));
const w = nn.keep(nn.tensor([[1, 2, 3]]));
for (let i = 0; i < 300000; i++) nn.tidy(() => { one.add(w).relu(); });
const t = performance.now();
for (let i = 0; i < 300000; i++) nn.tidy(() => { one.add(w).relu(); });
console.log(((performance.now() - t) / 300000 * 1000 / 2).toFixed(0), 'us per op');
