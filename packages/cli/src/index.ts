/**
 * @nn/cli: the `nn` command, and its commands as functions.
 *
 * @example
 * ```sh
 * nn train mlp --data mnist --epochs 5 --out runs/mnist
 * nn eval runs/mnist
 * ```
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { configureWasm, getThreads, setThreads, simdSupported, wasmPlugin } from '@nn/backend-wasm';
import { webgpuBackend, webgpuPlugin } from '@nn/backend-webgpu';
import { getBackend, NNError, setBackend, use } from '@nn/tensor';
import { type GlobalArgs, HELP, parseCharLstmArgs, parseEvalArgs, parseTrainArgs, splitGlobalArgs, UsageError } from './args.js';
import { trainCharLstm } from './char-lstm.js';
import { evalCheckpoint, train } from './commands.js';
import { exportRun, parseExportArgs, parseRunArgs, runOnnx } from './onnx-commands.js';
import { compareSegmentation, parseCompareArgs } from './segmentation-compare.js';
import { isSegmentationArch, parsePredictArgs, parseSegmentationArgs, predictMasks, trainSegmentation } from './segmentation.js';

export { HELP, parseTrainArgs, parseEvalArgs, splitGlobalArgs, UsageError, type TrainArgs, type EvalArgs, type GlobalArgs, type ImageArch, isImageArch } from './args.js';
export { train, evalCheckpoint } from './commands.js';
export { trainCharLstm, type CharLstmArgs } from './char-lstm.js';
export { parseCharLstmArgs } from './args.js';
export {
  trainSegmentation,
  predictMasks,
  parseSegmentationArgs,
  parsePredictArgs,
  buildSegmentation,
  isSegmentationArch,
  SEGMENTATION_ARCHS,
  SMALL_BACKBONE,
  type SegmentationArch,
  type SegmentationTrainArgs,
  type SegmentationConfig,
  type PredictArgs,
  composedCanvases,
  loadSegmentationRun,
  describeSegmentation,
  type CanvasSource,
} from './segmentation.js';
export { compareSegmentation, parseCompareArgs, type CompareArgs, type RunScores } from './segmentation-compare.js';
export { exportRun, runOnnx, parseExportArgs, parseRunArgs, type ExportArgs, type RunArgs, type RunResult } from './onnx-commands.js';

/** The version of @nn/cli (`nn --version`). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Runs `nn` with the given arguments; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function run(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [command, ...args] = argv;
  const previous = getBackend();
  try {
    if (command === '--version' || command === '-v' || command === 'version') {
      out(`nn ${VERSION}`);
      return 0;
    }
    const { global, rest } = splitGlobalArgs(args);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
      out(HELP);
      return command === undefined ? 2 : 0;
    }
    // Parse everything before starting a backend, so that usage mistakes are reported at once.
    let job: () => Promise<unknown>;
    if (command === 'train' && rest[0] === 'char-lstm') {
      const parsed = parseCharLstmArgs(rest.slice(1));
      job = async () => trainCharLstm(parsed, out);
    } else if (command === 'train' && isSegmentationArch(rest[0])) {
      const parsed = parseSegmentationArgs(rest);
      job = () => trainSegmentation(parsed, out);
    } else if (command === 'predict') {
      const parsed = parsePredictArgs(rest);
      job = async () => predictMasks(parsed, out);
    } else if (command === 'export') {
      const parsed = parseExportArgs(rest);
      job = async () => exportRun(parsed, out);
    } else if (command === 'run') {
      const parsed = parseRunArgs(rest);
      job = async () => runOnnx(parsed, out);
    } else if (command === 'compare') {
      const parsed = parseCompareArgs(rest);
      job = async () => compareSegmentation(parsed, out);
    } else if (command === 'train') {
      const parsed = parseTrainArgs(rest);
      job = () => train(parsed, out);
    } else if (command === 'eval') {
      const parsed = parseEvalArgs(rest);
      job = () => evalCheckpoint(parsed, out);
    } else {
      throw new UsageError(`unknown command '${command}' (commands: train, eval, predict, compare, export, run)`);
    }
    await selectBackend(global, out);
    await job();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`nn: ${e.message}\nRun 'nn --help' for usage.`);
      return 2;
    }
    if (e instanceof NNError) {
      err(`nn: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    // run() is also called as a function: leave the caller's backend as it was.
    if (getBackend() !== previous) await setBackend(previous);
  }
}

/**
 * Switches to the backend the options ask for, or by default to the fastest
 * one available (wasm where WebAssembly SIMD exists, else cpu), and says
 * which one runs.
 */
async function selectBackend({ backend = simdSupported() ? 'wasm' : 'cpu', threads }: GlobalArgs, out: (line: string) => void): Promise<void> {
  if (backend === 'wasm') {
    use(wasmPlugin);
    configureWasm({ threads });
    await setBackend('wasm');
    if (threads !== undefined) await setThreads(threads);
    out(`backend: wasm (SIMD, ${getThreads()} thread${getThreads() === 1 ? '' : 's'})`);
  } else if (backend === 'webgpu') {
    use(webgpuPlugin);
    await setBackend('webgpu');
    out(`backend: webgpu (${webgpuBackend().adapterName})`);
  } else {
    await setBackend('cpu');
    out('backend: cpu (pure TypeScript)');
  }
}
