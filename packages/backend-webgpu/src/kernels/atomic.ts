/**
 * Float addition into a buffer from many invocations at once: WGSL has no
 * float atomics, so the sum is a compare-exchange loop over the bits.
 * @module
 */

/** WGSL of `atomicAddF32(i, v)` on `out0: array<atomic<u32>>`. */
export const ATOMIC_ADD_F32 = `
fn atomicAddF32(i: u32, v: f32) {
  var old = atomicLoad(&out0[i]);
  loop {
    let r = atomicCompareExchangeWeak(&out0[i], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`;
