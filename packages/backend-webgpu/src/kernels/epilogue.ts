/**
 * The bias-and-activation epilogue of the fused ops (fusedLinear,
 * fusedConv2d), applied where the GEMM stores its result, so the fused op
 * is one dispatch instead of three.
 * @module
 */
import type { FusedActivation } from '@nn/tensor';

/** WGSL of each activation the epilogue fuses, in `v` (the others run the op's composite). */
const ACTIVATIONS: Record<string, string> = {
  relu: 'select(v, 0.0, v < 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-v))',
  tanh: 'select(tanh(clamp(v, -15.0, 15.0)), v, isnan_(v))',
};

/** True when the epilogue can apply this activation (none, relu, sigmoid, tanh). */
export function fusable(activation: FusedActivation | null): boolean {
  return activation === null || activation.op in ACTIVATIONS;
}

/** WGSL of `fn epilogue(v: f32) -> f32` for the activation (the bias is added by the caller). */
export function epilogue(activation: FusedActivation | null): string {
  return `fn epilogue(v: f32) -> f32 { return ${activation === null ? 'v' : ACTIVATIONS[activation.op]}; }`;
}
