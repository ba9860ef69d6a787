import { describe, expect, it } from 'vitest';
import { loadTorchStateDict, StateDictError, torchStateDict } from '@nn/layers-core';
import { parseSafetensors, serializeSafetensors } from '@nn/io';
import { manualSeed, randn } from '@nn/tensor';
import { CifarResNet, GoogLeNet, ResNet, vgg } from '../src/index.js';

/** What `safetensors.torch.save_file(model.state_dict(), path)` writes for a torchvision model: its keys, int64 counters. */
function torchvisionFile(model: ResNet | GoogLeNet | ReturnType<typeof vgg>): Uint8Array {
  const dict = torchStateDict(model);
  return serializeSafetensors(dict, {}, { int64: Object.keys(dict).filter((k) => k.endsWith('num_batches_tracked')) });
}

describe('torchvision state dicts', () => {
  it('have torchvision\'s keys, snake_case buffers and int64 counters', () => {
    const keys = Object.keys(torchStateDict(new ResNet({ depth: 18 })));
    expect(keys).toEqual(expect.arrayContaining(['conv1.weight', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight', 'layer4.1.bn2.bias', 'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.running_var', 'fc.weight', 'fc.bias']));
    // ResNet-18's state_dict() has 122 entries in torchvision: 62 parameters and 60 buffers
    expect(keys.length).toBe(122);
    const file = torchvisionFile(new ResNet({ depth: 18 }));
    const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length))) as Record<string, { dtype: string }>;
    expect(header['bn1.num_batches_tracked']!.dtype).toBe('I64');
    expect(header['bn1.running_mean']!.dtype).toBe('F32');
  });

  it('round-trip through safetensors into a fresh model with the same logits (ResNet-18 after training steps, GoogLeNet, VGG-11-BN)', () => {
    manualSeed(1);
    const trained = new ResNet({ depth: 18, classes: 4 });
    // a few training-mode passes move the running statistics and the counters
    for (let i = 0; i < 2; i++) trained.call(randn([2, 3, 32, 32]));
    expect(trained.bn1.numBatchesTracked!.item()).toBe(2);
    const pairs = [
      [trained, new ResNet({ depth: 18, classes: 4 })],
      [new GoogLeNet({ flavour: 'torchvision', classes: 4 }), new GoogLeNet({ flavour: 'torchvision', classes: 4 })],
      [vgg(11, { batchNorm: true, widthDivisor: 8, hidden: 16, poolSize: 1, classes: 4 }), vgg(11, { batchNorm: true, widthDivisor: 8, hidden: 16, poolSize: 1, classes: 4 })],
    ] as const;
    for (const [source, target] of pairs) {
      const { tensors } = parseSafetensors(torchvisionFile(source));
      loadTorchStateDict(target, tensors);
      source.eval();
      target.eval();
      const x = randn([1, 3, 64, 64]);
      expect(Array.from(target.call(x).dataSync())).toEqual(Array.from(source.call(x).dataSync()));
    }
    expect(pairs[0][1].bn1.numBatchesTracked!.item()).toBe(2);
  });

  it('refuses a state dict of another depth, naming the model and the keys', () => {
    const dict = parseSafetensors(torchvisionFile(new ResNet({ depth: 18 }))).tensors;
    const load = () => loadTorchStateDict(new ResNet({ depth: 34 }), dict);
    expect(load).toThrow(StateDictError);
    expect(load).toThrow('state dict does not fit ResNet-34: the dict has 2, 2, 2, 2 basic blocks per stage (ResNet-18), ResNet-34 has 3, 4, 6, 3 basic blocks: load it into resnet18(). missing keys: 80 keys under layer1.2, layer2.2, layer2.3');
    // bottleneck blocks named as such, and a CIFAR net's depth from its blocks
    expect(() => loadTorchStateDict(new ResNet({ depth: 18 }), parseSafetensors(torchvisionFile(new ResNet({ depth: 50 }))).tensors)).toThrow(/the dict has 3, 4, 6, 3 bottleneck blocks per stage \(ResNet-50\)/);
    expect(() => loadTorchStateDict(new CifarResNet({ depth: 20 }), torchStateDict(new CifarResNet({ depth: 32 })))).toThrow(
      'state dict does not fit resnet20: the dict has 5, 5, 5 blocks per stage (a 32-layer net), resnet20 has 3, 3, 3. unexpected keys: 72 keys under layer1.3, layer1.4, layer2.3, layer2.4, layer3.3, layer3.4',
    );
  }, 120_000);
});
