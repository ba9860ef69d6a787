/**
 * The tape: how ops are recorded and how `backward` walks them.
 *
 * Every op whose inputs need gradients leaves a {@link Node} on its outputs
 * (`tensor.gradNode`). `backward` sorts the nodes reachable from a root
 * topologically and applies each op's gradient rule in reverse, summing the
 * cotangents that reach a tensor along several paths. That is all of
 * reverse mode; the rest of this package is convenience around it.
 * @module
 */
import { type Attrs, type GradientDef, isFloat, NNError, onesLike, ShapeError, type Tensor } from '@nn/tensor';
import { type Engine, type GradHook } from '@nn/tensor/kernel';

/** One recorded op: what ran, on what, producing what. */
export interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Attrs;
}

/** Options of {@link backwardFrom}. */
export interface BackwardOptions {
  /** Record the backward pass itself, so its results can be differentiated again. */
  createGraph?: boolean;
  /** Stop at these tensors and return their cotangents instead of filling leaves' `.grad`. */
  wrt?: readonly Tensor[];
}

function nodeOf(t: Tensor): Node | undefined {
  return t.gradNode as Node | undefined;
}

/** Nodes reachable from `root`, ordered so every node comes after the nodes that consume its outputs. */
function reverseTopologicalOrder(root: Tensor, stopAt: ReadonlySet<Tensor>): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>();
  // Iterative post-order DFS: deep graphs (long RNN unrolls) must not overflow the stack.
  const start = nodeOf(root);
  if (start === undefined || stopAt.has(root)) return order;
  const stack: [Node, number][] = [[start, 0]];
  visited.add(start);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const input = node.inputs[i]!;
      const child = nodeOf(input);
      if (child !== undefined && !visited.has(child) && !stopAt.has(input)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/**
 * Reverse-mode sweep from `root` with cotangent `seed`. Returns the
 * cotangent of every tensor reached (leaves and `wrt` included).
 */
export function backwardFrom(engine: Engine, root: Tensor, seed: Tensor, options: BackwardOptions = {}): Map<Tensor, Tensor> {
  const stopAt = new Set(options.wrt ?? []);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : prev.add(g));
  };
  const sweep = () => {
    for (const node of reverseTopologicalOrder(root, stopAt)) {
      const dys = node.outputs.map((o) => grads.get(o));
      if (dys.every((g) => g === undefined)) continue;
      const rule = engine.registry.gradient(node.op);
      if (rule === undefined) {
        throw new NNError(`backward: op '${node.op}' has no gradient rule; register one with a plugin's 'gradients', or compute this part under noGrad()`);
      }
      const cotangents = dys.map((g, i) => g ?? node.outputs[i]!.mul(0));
      const inputGrads = rule.vjp(cotangents, { inputs: node.inputs, outputs: node.outputs, attrs: node.attrs });
      node.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (g === null || g === undefined || !input.requiresGrad || !isFloat(input.dtype)) return;
        accumulate(input, g);
      });
    }
  };
  if (options.createGraph) sweep();
  else engine.withoutRecording(sweep);
  return grads;
}

/**
 * The hook installed into an engine: records ops on tensors that need
 * gradients, and implements `tensor.backward()` (PyTorch style: cotangents
 * of leaves accumulate into their `.grad`).
 */
export class Tape implements GradHook {
  constructor(private readonly engine: Engine) {}

  shouldRecord(inputs: readonly Tensor[]): boolean {
    for (const t of inputs) if (t.requiresGrad) return true;
    return false;
  }

  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Attrs): void {
    const node: Node = { op, inputs: [...inputs], outputs: [...outputs], attrs };
    for (const out of outputs) {
      if (!isFloat(out.dtype)) continue;
      out.requiresGrad = true;
      out.gradNode = node;
    }
  }

  backward(root: Tensor, gradient?: Tensor): void {
    if (!root.requiresGrad) {
      throw new NNError(`backward: the tensor (shape [${root.shape.join(',')}]) does not require grad; it does not depend on any tensor with requiresGrad`);
    }
    if (gradient === undefined && root.size !== 1) {
      throw new ShapeError(`backward: a gradient can be created implicitly only for a one-element output, got shape [${root.shape.join(',')}]; pass backward(gradient)`);
    }
    if (gradient !== undefined && (gradient.shape.length !== root.shape.length || gradient.shape.some((d, i) => d !== root.shape[i]))) {
      throw new ShapeError(`backward: gradient has shape [${gradient.shape.join(',')}] but the tensor has shape [${root.shape.join(',')}]`);
    }
    const engine = this.engine;
    engine.tidy(() => {
      const seed = gradient ?? onesLike(root);
      const grads = backwardFrom(engine, root, seed);
      for (const [t, g] of grads) {
        if (nodeOf(t) !== undefined || t === root && nodeOf(t) !== undefined) continue;
        // A leaf: accumulate into .grad, which outlives the scope.
        const previous = t.grad;
        t.grad = engine.keep(previous === null ? g.clone() : previous.add(g));
        previous?.dispose();
      }
    });
  }
}

/** Registers the gradient table and installs the tape into `engine` (once). */
export function installInto(engine: Engine, gradients: readonly GradientDef[], pluginName: string, apiVersion: number): void {
  if (engine.gradHook !== undefined) return;
  engine.registry.use({ name: pluginName, apiVersion, gradients });
  engine.gradHook = new Tape(engine);
}
