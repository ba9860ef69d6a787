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

/** Columns of C per workgroup; rows are 16 times the rows per lane. */
export const TILE = 64;
const SLICE = 16;

/** Rows of C per lane: small M (a convolution's few output channels) gets short tiles instead of idle lanes. */
export function rowsPerLane(M: number): 1 | 2 | 4 {
  return M <= 16 ? 1 : M <= 32 ? 2 : 4;
}

/**
 * WGSL of a GEMM whose parameters start [M, N, K, ...]; `loaders` defines
 * `fn loadA(batch: u32, m: u32, k: u32) -> f32`, `fn loadB(batch: u32, k: u32,
 * n: u32) -> f32` and `fn store(batch: u32, m: u32, n: u32, v: f32)`, called
 * only for indices inside M, N and K. Each lane's R x 4 block is unrolled
 * into scalars so that it stays in registers.
 *
 * With `split` (split-K, for products whose K dwarfs M·N, like a filter
 * gradient), p[split] is the number of parts S and p[split + 1] the length
 * of each: workgroup z is batch·S + part, it sums K in [part·len, part·len +
 * len), and `store` finds its part in `gemmPart`, to write a partial sum
 * that {@link sumParts} adds up.
 */
export function gemmShader(declarations: string, loaders: string, R: 1 | 2 | 4, split?: number): string {
  const rows = 16 * R;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const accs = range(R).flatMap((r) => range(4).map((c) => `acc${r}${c}`));
  const fmas = range(R)
    .map((r) => `let a${r} = As[k][lid.y * ${R}u + ${r}u];`)
    .concat(range(R).flatMap((r) => range(4).map((c) => `acc${r}${c} = fma(a${r}, b.${'xyzw'[c]}, acc${r}${c});`)));
  const stores = range(R).flatMap((r) =>
    range(4).map((c) => `if (row0 + lid.y * ${R}u + ${r}u < M && col0 + lid.x * 4u + ${c}u < N) { store(batch, row0 + lid.y * ${R}u + ${r}u, col0 + lid.x * 4u + ${c}u, acc${r}${c}); }`),
  );
  return `${declarations}
${loaders}
var<private> gemmPart: u32;
var<workgroup> As: array<array<f32, ${rows}>, ${SLICE}>;
var<workgroup> Bs: array<array<vec4<f32>, 16>, ${SLICE}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let M = p[0]; let N = p[1]; let K = p[2];
  ${split === undefined ? 'let batch = wid.z;\n  let k0 = 0u; let kEnd = K;' : `let batch = wid.z / p[${split}u];\n  let part = wid.z % p[${split}u];\n  gemmPart = part;\n  let k0 = part * p[${split + 1}u]; let kEnd = min(K, k0 + p[${split + 1}u]);`}
  let row0 = wid.y * ${rows}u; let col0 = wid.x * ${TILE}u;
  ${accs.map((a) => `var ${a} = 0.0;`).join(' ')}
  for (var t = k0; t < kEnd; t += ${SLICE}u) {
    for (var l = 0u; l < ${R}u; l++) {
      let e = li + l * 256u;
      let am = e / ${SLICE}u; let ak = e % ${SLICE}u;
      var av = 0.0;
      if (row0 + am < M && t + ak < kEnd) { av = loadA(batch, row0 + am, t + ak); }
      As[ak][am] = av;
    }
    {
      // Lane li loads four consecutive columns of one row of the B slice.
      let bk = li / 16u; let bn = (li % 16u) * 4u;
      let gk = t + bk;
      var bv = vec4<f32>(0.0);
      if (gk < kEnd) {
        for (var c = 0u; c < 4u; c++) { if (col0 + bn + c < N) { bv[c] = loadB(batch, gk, col0 + bn + c); } }
      }
      Bs[bk][li % 16u] = bv;
    }
    workgroupBarrier();
    for (var k = 0u; k < ${SLICE}u; k++) {
      let b = Bs[k][lid.x];
      ${fmas.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${stores.join('\n  ')}
}`;
}

/**
 * How many parts to split K into so that an M x N product over `batches`
 * fills at least 64 workgroups, with parts of at least 256 (a multiple of
 * the slice): [parts, part length]. One part when the grid is full already.
 */
export function splitK(M: number, N: number, K: number, batches: number): [number, number] {
  const tiles = gemmGrid(M, N, batches).reduce((a, b) => a * b, 1);
  const parts = Math.max(1, Math.min(Math.floor(K / 256), Math.ceil(64 / tiles)));
  const length = Math.ceil(K / parts / SLICE) * SLICE;
  return [Math.ceil(K / length), length];
}

/** A shader maker memoised per rows-per-lane (the source strings are the pipeline cache's keys). */
export function byRows(make: (R: 1 | 2 | 4) => string): (R: 1 | 2 | 4) => string {
  const made = new Map<number, string>();
  return (R) => {
    let code = made.get(R);
    if (code === undefined) made.set(R, (code = make(R)));
    return code;
  };
}

/** Workgroups for an M x N product over `batches`. */
export function gemmGrid(M: number, N: number, batches: number): [number, number, number] {
  return [Math.ceil(N / TILE), Math.ceil(M / (16 * rowsPerLane(M))), batches];
}
