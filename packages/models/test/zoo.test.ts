import { describe, expect, it } from 'vitest';
import { gradCheck } from '@nn/autograd';
import { Conv2d } from '@nn/layers-conv';
import { type Module, Parameter, summary } from '@nn/layers-core';
import { manualSeed, randn, ShapeError, Tensor } from '@nn/tensor';
import { BasicBlock, Bottleneck, CifarBlock, CifarResNet, cifarResNet, GoogLeNet, Inception, parseModel, plainNet, ResNet, serializeModel, vgg } from '../src/index.js';

const count = (m: Module) => m.parameters().reduce((n, p) => n + p.size, 0);

/** Replaces every parameter and buffer of `model` by a float64 copy (gradCheck works in float64). */
function toFloat64(model: Module): void {
  for (const [, m] of model.namedModules()) {
    const own = m as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(own)) {
      if (value instanceof Parameter) own[key] = new Parameter(value.cast('float64'));
      else if (value instanceof Tensor && !(value instanceof Parameter)) own[key] = value.cast('float64');
    }
  }
}

describe('the classification zoo: parameter counts as torchvision and the papers give them', { timeout: 120_000 }, () => {
  it('VGG-16: 138,357,544 (conv part 14,714,688); VGG-16-BN: 138,365,992', () => {
    const v = vgg(16);
    expect(count(v)).toBe(138_357_544);
    expect(count(v.features)).toBe(14_714_688);
    expect(count(vgg(16, { batchNorm: true }))).toBe(138_365_992);
  });

  it('ResNet-18/34/50/101/152', () => {
    const want = { 18: 11_689_512, 34: 21_797_672, 50: 25_557_032, 101: 44_549_160, 152: 60_192_808 } as const;
    for (const [depth, n] of Object.entries(want)) expect(count(new ResNet({ depth: Number(depth) as keyof typeof want })), `ResNet-${depth}`).toBe(n);
  });

  it('CIFAR ResNet-20/32/44/56/110 (option A), and plain nets of the same size', () => {
    const want = { 20: 269_722, 32: 464_154, 44: 658_586, 56: 853_018, 110: 1_727_962 } as const;
    for (const [depth, n] of Object.entries(want)) {
      expect(count(cifarResNet(Number(depth))), `resnet${depth}`).toBe(n);
      expect(count(plainNet(Number(depth))), `plain${depth}`).toBe(n);
    }
  });

  it('GoogLeNet: torchvision 6,624,904 / 13,004,888 with aux; real 5x5 branches 7,005,832 / 13,385,816', () => {
    expect(count(new GoogLeNet({ flavour: 'torchvision', auxLogits: false }))).toBe(6_624_904);
    expect(count(new GoogLeNet({ flavour: 'torchvision' }))).toBe(13_004_888);
    // the paper's real 5x5 kernels with torchvision's batch norm
    expect(count(new GoogLeNet({ flavour: 'paper', batchNorm: true, auxLogits: false }))).toBe(7_005_832);
    expect(count(new GoogLeNet({ flavour: 'paper', batchNorm: true }))).toBe(13_385_816);
  });

  it('submodules carry torchvision\'s names', () => {
    const keys = (m: Module) => Object.keys(m.stateDict());
    expect(keys(new ResNet({ depth: 18 }))).toEqual(expect.arrayContaining(['conv1.weight', 'bn1.weight', 'layer1.0.conv1.weight', 'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.runningMean', 'fc.bias']));
    expect(keys(vgg(11, { hidden: 8 }))).toEqual(expect.arrayContaining(['features.0.weight', 'classifier.6.bias']));
    expect(keys(new GoogLeNet({ flavour: 'torchvision' }))).toEqual(expect.arrayContaining(['conv1.conv.weight', 'conv1.bn.runningVar', 'inception3a.branch2.1.conv.weight', 'inception3a.branch4.1.bn.bias', 'aux1.fc2.bias', 'fc.weight']));
  });
});

describe('the zoo runs', { timeout: 120_000 }, () => {
  it('ResNet-18, the paper GoogLeNet and a small VGG-11 give one logit per class', () => {
    manualSeed(1);
    const r = new ResNet({ depth: 18, classes: 7 }).eval();
    expect(r.call(randn([1, 3, 64, 64])).shape).toEqual([1, 7]);
    const g = new GoogLeNet({ classes: 5 }).eval();
    expect(g.call(randn([1, 3, 64, 64])).shape).toEqual([1, 5]);
    const v = vgg(11, { widthDivisor: 8, hidden: 64, poolSize: 1, classes: 3 }).eval();
    expect(v.call(randn([2, 3, 32, 32])).shape).toEqual([2, 3]);
  });

  it('GoogLeNet returns the auxiliary logits in training mode only', () => {
    manualSeed(2);
    const g = new GoogLeNet({ flavour: 'torchvision', classes: 4 });
    const train = g.forwardWithAux(randn([2, 3, 64, 64]));
    expect([train.logits.shape, train.aux1?.shape, train.aux2?.shape]).toEqual([[2, 4], [2, 4], [2, 4]]);
    g.eval();
    const test = g.forwardWithAux(randn([2, 3, 64, 64]));
    expect([test.aux1, test.aux2]).toEqual([null, null]);
  });

  it('every block passes gradCheck in float64 at small widths', () => {
    manualSeed(3);
    const f64 = (shape: number[]) => randn(shape, { dtype: 'float64' });
    const blocks: [Module, number[]][] = [
      [new BasicBlock(2, 3, 2), [2, 2, 5, 5]],
      [new Bottleneck(4, 1, 2), [2, 4, 5, 5]],
      [new CifarBlock(2, 4, 2, true), [2, 2, 4, 4]],
      [new Inception(3, 1, 2, 2, 1, 2, 1, { batchNorm: true, fiveByFive: true }), [2, 3, 5, 5]],
    ];
    for (const [block, shape] of blocks) {
      // float64 copies of the parameters and buffers; batch norm in training mode (batch statistics)
      toFloat64(block);
      const g = gradCheck((x: Tensor) => (block.call(x) as Tensor).square().sum(), [f64(shape)]);
      expect(g.ok, `${block.constructor.name}: ${JSON.stringify(g)}`).toBe(true);
    }
  });

  it('saves and reloads whole (saveModel), with the same outputs', () => {
    manualSeed(4);
    const models: [Module, number[]][] = [
      [cifarResNet(8, { inChannels: 1, widths: [4, 8, 8] }), [2, 1, 8, 8]],
      [plainNet(8, { inChannels: 1, widths: [4, 4, 8] }), [2, 1, 8, 8]],
      [new ResNet({ depth: 18, classes: 3 }), [1, 3, 32, 32]],
      [vgg(11, { batchNorm: true, widthDivisor: 16, hidden: 8, poolSize: 1, classes: 3 }), [1, 3, 32, 32]],
      [new GoogLeNet({ classes: 3, auxLogits: false }), [1, 3, 32, 32]],
    ];
    for (const [model, shape] of models) {
      model.eval();
      const loaded = parseModel(serializeModel(model));
      const x = randn(shape);
      expect(Array.from(loaded.call(x).dataSync()), model.constructor.name).toEqual(Array.from(model.call(x).dataSync()));
    }
  });

  it('names the model and the shapes when the input does not fit', () => {
    expect(() => new CifarResNet({ depth: 20 }).call(randn([1, 1, 8, 8]))).toThrow(ShapeError);
    // as in PyTorch, the CIFAR nets take any size (stride-2 3x3 convolutions with padding 1 keep at least 1x1)
    expect(new CifarResNet({ depth: 20 }).eval().call(randn([1, 3, 1, 1])).shape).toEqual([1, 10]);
    expect(() => vgg(11, { hidden: 8, widthDivisor: 8 }).call(randn([1, 3, 16, 16]))).toThrow(
      'vgg11: input [1,3,16,16] does not fit: layer features.20 (MaxPool2d) got [1,64,1,1] and failed: maxPool2d: kernel 2x2 is larger than the padded input 1x1',
    );
    // torchvision's GoogLeNet takes 15x15 and up (its weights' min_size): ceil-mode pools may hang over the edge
    const googlenet = new GoogLeNet({ flavour: 'torchvision', widthDivisor: 8, auxLogits: false, classes: 10 }).eval();
    expect(googlenet.call(randn([1, 3, 15, 15])).shape).toEqual([1, 10]);
    expect(() => googlenet.call(randn([1, 3, 14, 14]))).toThrow(/^GoogLeNet: input \[1,3,14,14\] does not fit: layer maxpool3 \(MaxPool2d\) got \[1,60,1,1\] and failed/);
    expect(() => new ResNet({ depth: 18 }).call(randn([1, 1, 32, 32]))).toThrow(/ResNet-18: expects \[N, 3, H, W\] input, got \[1,1,32,32\]/);
    expect(() => new CifarResNet({ depth: 21 })).toThrow(/depth must be 6n \+ 2/);
  });
});

describe('summary counts multiply-adds as torchvision publishes them (224x224)', { timeout: 300_000 }, () => {
  const total = (text: string) => text.match(/Total mult-adds \(G\): ([\d.]+)/)![1];
  it('ResNet-18 1.81 G, ResNet-50 4.09 G, GoogLeNet 1.50 G', () => {
    expect(total(new ResNet({ depth: 18 }).summary([1, 3, 224, 224]))).toBe('1.81');
    expect(total(new ResNet({ depth: 50 }).summary([1, 3, 224, 224]))).toBe('4.09');
    expect(total(new GoogLeNet({ flavour: 'torchvision', auxLogits: false }).summary([1, 3, 224, 224]))).toBe('1.50');
  });

  it('VGG-16 15.47 G', () => {
    expect(total(vgg(16).summary([1, 3, 224, 224]))).toBe('15.47');
  });

  it('a 3x3 convolution from 256 to 256 channels costs 589,824 multiply-adds per output position', () => {
    const conv = new Conv2d(256, 256, 3, { padding: 1, bias: false });
    expect(summary(conv, [1, 256, 1, 1])).toMatch(/model \(Conv2d\)\s+\[1,256,1,1\]\s+589,824\s+589,824/);
  });
});
