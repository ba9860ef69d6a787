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
import { configureWasm, getThreads, setThreads, wasmPlugin } from '@nn/backend-wasm';
import { getBackend, NNError, setBackend, use } from '@nn/tensor';
import { type GlobalArgs, HELP, parseCharLstmArgs, parseEvalArgs, parseTrainArgs, splitGlobalArgs, UsageError } from './args.js';
import { trainCharLstm } from './char-lstm.js';
import { evalCheckpoint, train } from './commands.js';

export { HELP, parseTrainArgs, parseEvalArgs, splitGlobalArgs, UsageError, type TrainArgs, type EvalArgs, type GlobalArgs } from './args.js';
export { train, evalCheckpoint } from './commands.js';
export { trainCharLstm, type CharLstmArgs } from './char-lstm.js';
export { parseCharLstmArgs } from './args.js';

/** Runs `nn` with the given arguments; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function run(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [command, ...args] = argv;
  const previous = getBackend();
  try {
    const { global, rest } = splitGlobalArgs(args);
    await selectBackend(global, out);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
      out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'train' && rest[0] === 'char-lstm') {
      trainCharLstm(parseCharLstmArgs(rest.slice(1)), out);
      return 0;
    }
    if (command === 'train') {
      await train(parseTrainArgs(rest), out);
      return 0;
    }
    if (command === 'eval') {
      evalCheckpoint(parseEvalArgs(rest), out);
      return 0;
    }
    throw new UsageError(`unknown command '${command}' (commands: train, eval)`);
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

/** Switches to the backend the options ask for (and reports it). */
async function selectBackend({ backend, threads }: GlobalArgs, out: (line: string) => void): Promise<void> {
  if (backend === undefined) return;
  if (backend === 'wasm') {
    use(wasmPlugin);
    configureWasm({ threads });
    await setBackend('wasm');
    if (threads !== undefined) await setThreads(threads);
    out(`backend: wasm (SIMD, ${getThreads()} thread${getThreads() === 1 ? '' : 's'})`);
  } else {
    await setBackend('cpu');
  }
}
