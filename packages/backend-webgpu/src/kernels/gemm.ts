/**
 * One tiled GEMM shader that matmul and the three convolutions share:
 * C[m, n] = Σ_k A[m, k]·B[k, n] per batch (workgroup z), where each caller
 * supplies how A and B elements are loaded (a plain matrix, or an implicit
 * im2col of an image) and where C's are stored.
 *
 * A workgroup of 16x16 lanes computes a 64x64 tile of C, each lane a 4x4
 * block held in registers, stepping through K in slices of 16 staged in
 * workgroup memory.
 * @module
 */

/** Rows and columns of C per workgroup. */
export const TILE = 64;
const SLICE = 16;

/**
 * WGSL of a GEMM whose parameters start [M, N, K, ...]; `loaders` defines
 * `fn loadA(batch: u32, m: u32, k: u32) -> f32`, `fn loadB(batch: u32, k: u32,
 * n: u32) -> f32` and `fn store(batch: u32, m: u32, n: u32, v: f32)`, called
 * only for indices inside M, N and K.
 */
export function gemmShader(declarations: string, loaders: string): string {
  return `${declarations}
${loaders}
var<workgroup> As: array<array<f32, ${TILE}>, ${SLICE}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${SLICE}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let M = p[0]; let N = p[1]; let K = p[2];
  let batch = wid.z;
  let row0 = wid.y * ${TILE}u; let col0 = wid.x * ${TILE}u;
  var acc: array<array<f32, 4>, 4>;
  for (var t = 0u; t < K; t += ${SLICE}u) {
    for (var l = 0u; l < 4u; l++) {
      let e = li + l * 256u;
      let am = e / ${SLICE}u; let ak = e % ${SLICE}u;
      let gm = row0 + am; let gk = t + ak;
      var av = 0.0;
      if (gm < M && gk < K) { av = loadA(batch, gm, gk); }
      As[ak][am] = av;
      let bk = e / ${TILE}u; let bn = e % ${TILE}u;
      let gk2 = t + bk; let gn = col0 + bn;
      var bv = 0.0;
      if (gk2 < K && gn < N) { bv = loadB(batch, gk2, gn); }
      Bs[bk][bn] = bv;
    }
    workgroupBarrier();
    for (var k = 0u; k < ${SLICE}u; k++) {
      var a: array<f32, 4>; var b: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) { a[r] = As[k][lid.y * 4u + r]; b[r] = Bs[k][lid.x * 4u + r]; }
      for (var r = 0u; r < 4u; r++) { for (var c = 0u; c < 4u; c++) { acc[r][c] = fma(a[r], b[c], acc[r][c]); } }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let gm = row0 + lid.y * 4u + r;
    if (gm >= M) { continue; }
    for (var c = 0u; c < 4u; c++) {
      let gn = col0 + lid.x * 4u + c;
      if (gn < N) { store(batch, gm, gn, acc[r][c]); }
    }
  }
}`;
}

/** Workgroups for an M x N product over `batches`. */
export function gemmGrid(M: number, N: number, batches: number): [number, number, number] {
  return [Math.ceil(N / TILE), Math.ceil(M / TILE), batches];
}
