import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharLSTM, loadModel, mlp } from '@nn/models';
import ort from 'onnxruntime-node';
import { maskToPng, readPngImages } from '@nn/data';
import { loadSafetensors } from '@nn/io';
import { getBackend, rand, tensor } from '@nn/tensor';
import { HELP, parseCharLstmArgs, parseExportArgs, parsePredictArgs, parseRunArgs, parseSegmentationArgs, parseTrainArgs, run, trainCharLstm, UsageError } from '../src/index.js';

describe('nn command', () => {
  it('--help documents the commands and every option', async () => {
    const out: string[] = [];
    expect(await run(['--help'], (l) => out.push(l))).toBe(0);
    for (const flag of ['--data', '--epochs', '--batch', '--lr', '--optimizer', '--seed', '--out', 'nn eval DIR']) expect(out.join('')).toContain(flag);
    expect(out.join('')).toBe(HELP);
  });

  it('usage mistakes exit with 2 and a hint', async () => {
    const err: string[] = [];
    expect(await run(['train', 'mlp', '--data', 'cifar'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toBe("nn: --data must be one of mnist, fashion-mnist, got 'cifar'\nRun 'nn --help' for usage.");
    expect(await run(['train', 'mlp', '--data', 'mnist', '--epochs', '-1'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err.pop()).toMatch(/^nn: --epochs must be a positive integer, got '-1'/);
    expect(await run(['train', 'mlp', '--bogus'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[1]).toMatch(/Unknown option '--bogus'/);
    expect(await run(['fly'], () => {}, () => {})).toBe(2);
    expect(() => parseTrainArgs(['cnn', '--data', 'mnist'])).toThrow(UsageError);
    expect(() => parseTrainArgs(['resnet', '--data', 'mnist'])).toThrow("nn train takes one model: mlp, lenet, resnetN or plainN (N = 6n + 2: 20, 32, 56, ...), vgg-small, googlenet-small or char-lstm (nn train MODEL --data ...), got 'resnet'");
    expect(() => parseTrainArgs(['resnet21', '--data', 'mnist'])).toThrow(UsageError);
    expect(parseTrainArgs(['plain56', '--data', 'mnist']).arch).toBe('plain56');
    const regularised = parseTrainArgs(['resnet20', '--data', 'fashion-mnist', '--weight-decay', '5e-4', '--augment', 'crop-flip']);
    expect([regularised.weightDecay, regularised.augment]).toEqual([5e-4, 'crop-flip']);
    expect(parseTrainArgs(['resnet20', '--data', 'mnist'])).toMatchObject({ weightDecay: 0, augment: 'none' });
    expect(() => parseTrainArgs(['mlp', '--data', 'mnist', '--weight-decay', '-1'])).toThrow("--weight-decay must be a non-negative number, got '-1'");
    expect(() => parseTrainArgs(['mlp', '--data', 'mnist', '--augment', 'rotate'])).toThrow("--augment must be one of none, crop-flip, got 'rotate'");
    expect(() => parseTrainArgs(['mlp', '--data', 'mnist', '--lr', '-0.1'])).toThrow("--lr must be a positive number, got '-0.1'");
  });

  it('--version prints the package version', async () => {
    const out: string[] = [];
    expect(await run(['--version'], (l) => out.push(l))).toBe(0);
    expect(out).toEqual([`nn ${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}`]);
  });

  it('warns about options the model ignores', () => {
    expect(parseTrainArgs(['lenet', '--data', 'mnist', '--hidden', '32']).ignored).toEqual(['--hidden is ignored: lenet has a fixed layout']);
    expect(parseTrainArgs(['mlp', '--data', 'mnist', '--momentum', '0.5']).ignored).toEqual(['--momentum is ignored: it applies to --optimizer sgd']);
    expect(parseTrainArgs(['mlp', '--data', 'mnist', '--optimizer', 'sgd', '--momentum', '0.5']).ignored).toEqual([]);
  });

  it('refuses an output path that is a file before training anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-out-'));
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    const out: string[] = [], err: string[] = [];
    expect(await run(['train', 'mlp', '--data', 'mnist', '--out', file], (l) => out.push(l), (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/--out .*taken is a file, not a directory/);
    expect(out.some((l) => l.startsWith('epoch'))).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a diverging run stops at the first NaN loss, exits with 1 and keeps the NaN in history.json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nn-nan-')), 'not', 'yet', 'there');
    const out: string[] = [], err: string[] = [];
    const code = await run(['train', 'mlp', '--data', 'mnist', '--epochs', '2', '--lr', '1e30', '--train-size', '1000', '--out', dir, '--backend', 'cpu'], (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^nn: training stopped: the loss became (NaN|Infinity) at epoch 1, batch \d+/);
    expect(out.some((l) => l.startsWith('final test accuracy'))).toBe(false);
    const history = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as Record<string, unknown>[];
    expect(history.length).toBe(1);
    expect(['NaN', 'Infinity']).toContain(history[0]!.loss);
    expect(history[0]!.valAccuracy).toBeLessThan(0.5);
    expect(existsSync(join(dir, 'curves.html'))).toBe(true);
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(false);
  });

  it('trains on MNIST, writes checkpoint and curves, and eval reproduces the accuracy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-cli-'));
    const out: string[] = [];
    const args = ['train', 'mlp', '--data', 'mnist', '--epochs', '1', '--batch', '64', '--train-size', '2000', '--hidden', '64', '--seed', '3', '--out', dir];
    expect(await run(args, (l) => out.push(l))).toBe(0);
    const line = out.find((l) => l.startsWith('final test accuracy'))!;
    const accuracy = Number(/([\d.]+)%/.exec(line)![1]);
    expect(accuracy).toBeGreaterThan(80);
    for (const f of ['model.safetensors', 'optimizer.safetensors', 'curves.html', 'history.json']) expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, 'curves.html'), 'utf8')).toContain('<svg');
    const evalOut: string[] = [];
    expect(await run(['eval', dir], (l) => evalOut.push(l))).toBe(0);
    expect(evalOut[1]).toContain(`accuracy ${accuracy.toFixed(2)}%`);
    // the run's model.safetensors is a whole model: loadModel rebuilds it without the CLI's code
    expect(loadModel(dir).summary([1, 1, 28, 28])).toBe(mlp([784, 64, 10]).summary([1, 1, 28, 28]));
    const err: string[] = [];
    expect(await run(['eval', join(dir, 'nothing')], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/no model.safetensors in/);
  });
});

describe('nn train with the classification zoo', () => {
  it('trains a CIFAR ResNet, a small VGG and a small GoogLeNet on MNIST; eval and loadModel rebuild each', async () => {
    for (const arch of ['resnet8', 'vgg-small', 'googlenet-small']) {
      const dir = mkdtempSync(join(tmpdir(), `nn-${arch}-`));
      const out: string[] = [];
      expect(await run(['train', arch, '--data', 'mnist', '--epochs', '1', '--train-size', '256', '--seed', '2', '--out', dir], (l) => out.push(l)), arch).toBe(0);
      expect(out.some((l) => l.startsWith(`nn train ${arch} on mnist`)), out.join('\n')).toBe(true);
      const line = out.find((l) => l.startsWith('final test accuracy'))!;
      const accuracy = Number(/([\d.]+)%/.exec(line)![1]);
      const evalOut: string[] = [];
      expect(await run(['eval', dir], (l) => evalOut.push(l))).toBe(0);
      expect(evalOut[1]).toContain(`accuracy ${accuracy.toFixed(2)}%`);
      expect(loadModel(dir).constructor.name).toBe(arch === 'resnet8' ? 'CifarResNet' : arch === 'vgg-small' ? 'VGG' : 'GoogLeNet');
    }
  }, 120_000);
});

describe('nn export and nn run (ONNX)', () => {
  it('exports a trained LeNet with its standardisation inside; onnxruntime and nn run give the same answers; nn run reads PNGs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-export-'));
    expect(await run(['train', 'lenet', '--data', 'mnist', '--epochs', '1', '--train-size', '500', '--out', join(dir, 'run'), '--backend', 'cpu'], () => {})).toBe(0);
    const out: string[] = [];
    expect(await run(['export', join(dir, 'run'), '--onnx', join(dir, 'lenet.onnx'), '--backend', 'cpu'], (l) => out.push(l))).toBe(0);
    expect(out.at(-1)).toMatch(/wrote .*lenet\.onnx .*opset 17\): input: float32 images \[batch, 1, 28, 28\] with values in \[0, 1\]/);
    // The exported graph = standardise, then the checkpoint's model.
    const { tensors, metadata } = loadSafetensors(join(dir, 'run', 'model.safetensors'));
    const { mean, std } = JSON.parse(metadata['nn.config']!) as { mean: number; std: number };
    const model = loadModel(join(dir, 'run')).eval();
    expect(Object.keys(tensors).length).toBeGreaterThan(0);
    const x = rand([3, 1, 28, 28]);
    const want = model.call(x.sub(mean).div(std)).dataSync();
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'lenet.onnx')));
    const got = (await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, [3, 1, 28, 28]) })).output!.data as Float32Array;
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    // nn run on a PNG of the first image: its top class is the model's argmax.
    writeFileSync(join(dir, 'digit.png'), maskToPng(tensor(Int32Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 1 : 0)), [28, 28], 'int32')));
    const ran: string[] = [];
    expect(await run(['run', join(dir, 'lenet.onnx'), '--input', join(dir, 'digit.png'), '--top', '2', '--backend', 'cpu'], (l) => ran.push(l))).toBe(0);
    expect(ran.at(-1)).toMatch(/^digit\.png: \d \([\d.]+%\), \d \([\d.]+%\)$/);
    const { images } = readPngImages([join(dir, 'digit.png')], 1);
    const argmax = model.call(images.sub(mean).div(std)).argmax(1).dataSync()[0];
    expect(ran.at(-1)!.startsWith(`digit.png: ${argmax} (`)).toBe(true);
    expect(() => parseExportArgs([join(dir, 'run')])).toThrow('--onnx FILE is required');
    expect(() => parseRunArgs(['x.onnx'])).toThrow('--input FILE|DIR is required');
    const err: string[] = [];
    expect(await run(['export', join(dir, 'nothing'), '--onnx', join(dir, 'x.onnx')], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toContain('no model.safetensors in');
  }, 120_000);
});

describe('nn train with the segmentation nets', () => {
  it('parses their options and refuses the ones that do not apply', () => {
    expect(parseSegmentationArgs(['fcn8s', '--data', 'mnist-seg'])).toMatchObject({ arch: 'fcn8s', size: 64, trainSize: 4000, upsampling: 'stepwise', lr: 0.01 });
    expect(parseSegmentationArgs(['deconvnet', '--data', 'fashion-seg', '--decoder', 'bilinear']).decoder).toBe('bilinear');
    expect(() => parseSegmentationArgs(['deconvnet', '--data', 'mnist-seg', '--upsampling', 'one-step'])).toThrow('--upsampling applies to the FCNs');
    expect(() => parseSegmentationArgs(['fcn8s', '--data', 'mnist'])).toThrow("--data must be one of mnist-seg, fashion-seg, got 'mnist'");
    expect(() => parseSegmentationArgs(['fcn8s', '--data', 'mnist-seg', '--size', '16'])).toThrow('--size must be at least 32');
    expect(() => parsePredictArgs(['runs/x'])).toThrow(UsageError);
  });

  it('trains an FCN-8s on composed digit canvases, reports the four metrics, writes predictions.png; nn predict writes masks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-fcn8s-'));
    const out: string[] = [];
    expect(await run(['train', 'fcn8s', '--data', 'mnist-seg', '--epochs', '1', '--train-size', '64', '--test-size', '16', '--size', '32', '--out', dir], (l) => out.push(l))).toBe(0);
    expect(out.find((l) => l.startsWith('test (16 canvases)')), out.join('\n')).toMatch(/pixel accuracy [\d.]+%, mean accuracy [\d.]+%, mean IU [\d.]+%, frequency-weighted IU [\d.]+%/);
    expect(existsSync(join(dir, 'predictions.png'))).toBe(true);
    const predicted: string[] = [];
    expect(await run(['predict', dir, '--images', join(dir, 'predictions.png'), '--out', join(dir, 'masks')], (l) => predicted.push(l))).toBe(0); // the grid picture as an input: any size of at least 32x32 works
    expect(existsSync(join(dir, 'masks', 'predictions.png'))).toBe(true);
    expect(predicted.at(-1)).toContain('fcn8s: wrote 1 mask to');
    expect(readFileSync(join(dir, 'curves.html'), 'utf8')).toContain('<img alt="fcn8s: test canvases, their ground truth and the predicted masks" src="data:image/png;base64,');

    // nn compare: a second run on the same canvases, side by side; the first run's metrics come back exactly.
    const other = mkdtempSync(join(tmpdir(), 'nn-deconvnet-'));
    expect(await run(['train', 'deconvnet', '--data', 'mnist-seg', '--epochs', '1', '--train-size', '32', '--test-size', '16', '--size', '32', '--out', other], () => {})).toBe(0);
    const compared: string[] = [];
    const grid = join(dir, 'compare.png');
    expect(await run(['compare', dir, other, '--rows', '3', '--out', grid], (l) => compared.push(l))).toBe(0);
    const miu = /mean IU ([\d.]+)%/.exec(out.find((l) => l.startsWith('test (16 canvases)'))!)![1];
    expect(compared.find((l) => l.startsWith('| fcn8s |'))).toMatch(new RegExp(`^\\| fcn8s \\| [\\d.]+ \\| [\\d.]+ \\| ${miu} \\|`));
    expect(compared.some((l) => l.startsWith('| deconvnet |'))).toBe(true);
    const width = readFileSync(grid).readUInt32BE(16); // the PNG's IHDR width
    expect(width).toBeGreaterThan(4 * 32 * 3); // input, ground truth and two prediction columns, zoomed 3x
    const bigger = mkdtempSync(join(tmpdir(), 'nn-fcn8s-'));
    expect(await run(['train', 'fcn8s', '--data', 'mnist-seg', '--epochs', '1', '--train-size', '16', '--test-size', '8', '--size', '32', '--out', bigger], () => {})).toBe(0);
    const err: string[] = [];
    expect(await run(['compare', dir, bigger], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toContain(`${bigger} was tested on other canvases than ${dir}`);
  }, 180_000);
});

describe('nn --backend wasm', () => {
  it('trains on the wasm backend with the threads asked for, then leaves the backend as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-wasm-'));
    const out: string[] = [];
    const args = ['train', 'lenet', '--data', 'mnist', '--epochs', '1', '--batch', '32', '--train-size', '1000', '--seed', '3', '--out', dir, '--backend', 'wasm', '--threads=2'];
    expect(await run(args, (l) => out.push(l))).toBe(0);
    expect(out[0]).toBe('backend: wasm (SIMD, 2 threads)');
    const accuracy = Number(/([\d.]+)%/.exec(out.find((l) => l.startsWith('final test accuracy'))!)![1]);
    expect(accuracy).toBeGreaterThan(60);
    expect(getBackend()).toBe('cpu');
    const err: string[] = [];
    expect(await run(['train', 'mlp', '--data', 'mnist', '--backend', 'gpu'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/--backend must be one of cpu, wasm, webgpu, got 'gpu'/);
    expect(await run(['train', 'mlp', '--data', 'mnist', '--backend', 'cpu', '--threads', '2'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[1]).toMatch(/--threads applies to the wasm backend, not --backend cpu/);
  });
});

describe('nn train char-lstm', () => {
  it('trains on a text, reports bits per character and writes a sample', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-char-'));
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(60));
    const out: string[] = [];
    const bpc = trainCharLstm(parseCharLstmArgs(['--text', text, '--epochs', '2', '--steps', '15', '--seq', '16', '--batch', '8', '--hidden', '32', '--out', join(dir, 'run')]), (l) => out.push(l));
    expect(out.join('\n')).toMatch(/epoch 2\/2: train [\d.]+ bits\/char, validation [\d.]+ bits\/char/);
    expect(bpc).toBeLessThan(Math.log2(28));
    expect(existsSync(join(dir, 'run', 'sample.txt'))).toBe(true);
    expect(() => parseCharLstmArgs([])).toThrow(/--text FILE \(or a directory of text files\) is required/);
  });

  it('nn eval measures a char-lstm run on its held-out text again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-char-eval-'));
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'a stitch in time saves nine. '.repeat(80));
    const bpc = trainCharLstm(parseCharLstmArgs(['--text', text, '--epochs', '1', '--steps', '10', '--seq', '16', '--batch', '8', '--hidden', '16', '--out', join(dir, 'run')]), () => {});
    const out: string[] = [];
    expect(await run(['eval', join(dir, 'run'), '--batch', '8', '--backend', 'cpu'], (l) => out.push(l))).toBe(0);
    expect(out[1]).toContain(`${bpc.toFixed(3)} bits per character`);
    expect(loadModel(join(dir, 'run'))).toBeInstanceOf(CharLSTM);
  });
});
