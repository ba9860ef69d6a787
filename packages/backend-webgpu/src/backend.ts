/**
 * The `webgpu` backend: tensors in GPU storage buffers drawn from a pool,
 * compute pipelines cached by their WGSL source, and reads that wait for the
 * GPU (`await tensor.data()`).
 * @module
 */
import { allocArray, type Backend, BackendError, type DType, DTypeError, type Shape, type TypedArray } from '@nn/tensor';
import { requestDevice } from './device.js';

/** A tensor's storage on the GPU. */
export interface GpuData {
  readonly buffer: GPUBuffer;
  /** Bytes the tensor uses (the buffer may be larger: pool size classes). */
  readonly bytes: number;
  readonly dtype: DType;
  /**
   * The values, when they came from the host (`write`, `fill`): what makes
   * `dataSync()` honest for them. Data computed on the GPU has none and is
   * read with `await tensor.data()`.
   */
  readonly host?: TypedArray;
}

/** Counters for leak tests and for the per-step dispatch and byte counts the bench reports. */
export interface WebGPUStats {
  /** GPU buffers holding live tensors. */
  readonly liveBuffers: number;
  /** Bytes of those buffers (their pool size classes). */
  readonly liveBytes: number;
  /** Freed buffers kept for reuse. */
  readonly pooledBuffers: number;
  readonly pooledBytes: number;
  /** Compute dispatches since the backend started. */
  readonly dispatches: number;
  /** Bytes written from the host / read back to it. */
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
}

/** One compute dispatch: WGSL source, bound buffers in binding order (inputs, outputs, then the parameters), and the grid. */
export interface Dispatch {
  readonly code: string;
  readonly inputs: readonly GpuData[];
  readonly outputs: readonly GpuData[];
  /** 32-bit parameters, bound last as `array<u32>` (floats as their bits, see {@link f32Bits}). */
  readonly params?: ArrayLike<number>;
  /** Workgroups along x, y, z. Use {@link grid} for a 1-D count of invocations. */
  readonly workgroups: readonly [number, number, number];
}

/** The bits of a float32, for a `u32` parameter that the shader reads with `bitcast<f32>`. */
export function f32Bits(v: number): number {
  const f = new Float32Array([v]);
  return new Uint32Array(f.buffer)[0]!;
}

/** Dispatches recorded into one command buffer before it is submitted. */
const COMMANDS_PER_SUBMIT = 64;

/** Invocations per workgroup of the 1-D kernels. */
export const WORKGROUP = 64;
const MAX_GROUPS = 65535;

/**
 * The workgroups for `n` invocations of a 1-D kernel of {@link WORKGROUP}
 * lanes, folded into y when x would pass the 65,535 limit; the shader
 * recovers the index with {@link GLOBAL_INDEX}.
 */
export function grid(n: number): [number, number, number] {
  const groups = Math.ceil(n / WORKGROUP);
  if (groups <= MAX_GROUPS) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL that declares the entry point of a 1-D kernel and binds `i`, its invocation's index. */
export const GLOBAL_INDEX = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;`;

/** The WGSL element type a dtype is stored as (bool as one u32 per element: WGSL has no 8-bit storage). */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new DTypeError(`webgpu stores float32, int32 and bool; ${dtype} runs on 'cpu' (WGSL has no float64)`, 'webgpu');
}

/** Buffer sizes are rounded up to powers of two (at least 256 bytes), so freed buffers are reused by tensors of similar size. */
function sizeClass(bytes: number): number {
  return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
}

/** Options of the webgpu backend. */
export interface WebGPUBackendOptions {
  /** A device to use instead of requesting one (an app that already has one). */
  readonly device?: GPUDevice;
  /** The most bytes of freed buffers kept for reuse (default 256 MiB); beyond it they are destroyed. */
  readonly poolLimitBytes?: number;
}

/** The `webgpu` backend (register it with `use(webgpuPlugin)`, then `await setBackend('webgpu')`). */
export class WebGPUBackend implements Backend<GpuData> {
  readonly name = 'webgpu';
  readonly ready: Promise<void>;
  private gpu: GPUDevice | undefined;
  /** The adapter's description, once ready. */
  adapterName = '';
  private readonly pool = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly poolLimit: number;
  private counts = { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, dispatches: 0, uploadedBytes: 0, downloadedBytes: 0 };
  private lost: string | undefined;
  /** The first GPU error not yet reported (reported by the next op or read). */
  private failure: string | undefined;
  /** Commands recorded since the last submit: dispatches, clears and copies go into one command buffer. */
  private encoder: GPUCommandEncoder | undefined;
  private recorded = 0;
  /** Buffers to destroy once the commands that use them are submitted. */
  private retired: GPUBuffer[] = [];

  constructor(options: WebGPUBackendOptions = {}) {
    this.poolLimit = options.poolLimitBytes ?? 256 * 2 ** 20;
    const found = options.device !== undefined ? Promise.resolve({ device: options.device, adapterName: 'given device' }) : requestDevice();
    this.ready = found.then(({ device, adapterName }) => {
      this.gpu = device;
      this.adapterName = adapterName;
      void device.lost.then((info) => {
        this.lost = info.message || info.reason;
      });
      // A shader or validation error would otherwise only be printed, and the op's output left as zeros.
      device.addEventListener('uncapturederror', (event) => {
        this.failure ??= (event as GPUUncapturedErrorEvent).error.message;
      });
    });
    // setBackend awaits `ready` and reports a failure; this keeps an unawaited one from being unhandled.
    this.ready.catch(() => undefined);
  }

  /** The device, or a typed error before `ready`, after the device was lost, or after a GPU command failed. */
  get device(): GPUDevice {
    if (this.gpu === undefined) throw new BackendError("webgpu: the backend is still starting (or found no GPU): await setBackend('webgpu') before running ops");
    this.reportFailure();
    return this.gpu;
  }

  /** Throws (once) the GPU's report of a lost device or a failed command. */
  private reportFailure(): void {
    if (this.lost !== undefined) throw new BackendError(`webgpu: the GPU device was lost (${this.lost})`);
    if (this.failure !== undefined) {
      const message = this.failure;
      this.failure = undefined;
      throw new BackendError(`webgpu: a GPU command failed (its results are invalid): ${message}`);
    }
  }

  /** Buffer and dispatch counters. */
  stats(): WebGPUStats {
    return { ...this.counts };
  }

  /** Storage for `size` elements of `dtype`, from the pool when a freed buffer of its size class is there. */
  alloc(dtype: DType, size: number): GpuData {
    const bytes = size * 4;
    wgslType(dtype);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) throw new BackendError(`webgpu: a tensor of ${size} elements (${bytes} bytes) is larger than this GPU's largest storage binding (${limit} bytes)`);
    const cls = Math.min(sizeClass(bytes), limit);
    let buffer = this.pool.get(cls)?.pop();
    if (buffer !== undefined) {
      this.counts.pooledBuffers--;
      this.counts.pooledBytes -= cls;
    } else {
      buffer = this.device.createBuffer({ size: cls, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    }
    this.counts.liveBuffers++;
    this.counts.liveBytes += buffer.size;
    return { buffer, bytes, dtype };
  }

  write(values: TypedArray, dtype: DType, _shape: Shape): GpuData {
    const data = this.alloc(dtype, values.length);
    this.upload(data.buffer, values, dtype);
    return { ...data, host: values };
  }

  writeWith(dtype: DType, size: number, writer: (values: TypedArray) => void): GpuData {
    const values = allocArray(dtype, size);
    writer(values);
    return this.write(values, dtype, [size]);
  }

  fill(dtype: DType, size: number, value: number): GpuData {
    const values = allocArray(dtype, size);
    if (value !== 0) values.fill(value);
    return this.write(values, dtype, [size]);
  }

  private upload(buffer: GPUBuffer, values: TypedArray, dtype: DType): void {
    if (values.length === 0) return;
    // bool is stored one u32 per element.
    const words = dtype === 'bool' ? Uint32Array.from(values as Uint8Array) : values;
    // Queue writes run before commands not yet submitted: submit those first (the buffer may be a pooled one they still read).
    this.flush();
    this.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, values.length * 4);
    this.counts.uploadedBytes += values.length * 4;
  }

  canReadSync(handle: GpuData): boolean {
    return handle.host !== undefined;
  }

  readSync(handle: GpuData, dtype: DType, size: number): TypedArray {
    if (handle.host !== undefined) return handle.host;
    throw new BackendError(
      `webgpu: a ${dtype} tensor of ${size} elements computed on the GPU can only be read asynchronously (await tensor.data(), or array()); WebGPU has no synchronous readback`,
      'dataSync',
    );
  }

  async read(handle: GpuData, dtype: DType, size: number): Promise<TypedArray> {
    if (handle.host !== undefined) return handle.host.slice();
    const out = allocArray(dtype, size);
    if (size === 0) return out;
    const bytes = size * 4;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.commands().copyBufferToBuffer(handle.buffer, 0, staging, 0, bytes);
    this.flush();
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    if (dtype === 'bool') {
      const words = new Uint32Array(mapped);
      for (let i = 0; i < size; i++) out[i] = words[i]! !== 0 ? 1 : 0;
    } else {
      new Uint8Array(out.buffer, out.byteOffset, bytes).set(new Uint8Array(mapped));
    }
    staging.unmap();
    staging.destroy();
    this.counts.downloadedBytes += bytes;
    // A command this read waited for may have failed: its values would be wrong.
    this.reportFailure();
    return out;
  }

  disposeData(handle: GpuData): void {
    const buffer = handle.buffer;
    this.counts.liveBuffers--;
    this.counts.liveBytes -= buffer.size;
    if (this.counts.pooledBytes + buffer.size > this.poolLimit) {
      this.retire(buffer);
      return;
    }
    let free = this.pool.get(buffer.size);
    if (free === undefined) this.pool.set(buffer.size, (free = []));
    free.push(buffer);
    this.counts.pooledBuffers++;
    this.counts.pooledBytes += buffer.size;
  }

  /** Destroys the pooled buffers (live tensors keep theirs). */
  trimPool(): void {
    for (const free of this.pool.values()) for (const b of free) this.retire(b);
    this.pool.clear();
    this.counts.pooledBuffers = 0;
    this.counts.pooledBytes = 0;
  }

  /** Fills `data` with zeros on the GPU. */
  clear(data: GpuData): void {
    if (data.bytes === 0) return;
    this.commands().clearBuffer(data.buffer, 0, Math.ceil(data.bytes / 4) * 4);
  }

  /** Copies `size` elements of `from` (from element `fromAt`) into `to` (at element `toAt`) on the GPU. */
  copy(from: GpuData, to: GpuData, size: number, fromAt = 0, toAt = 0): void {
    if (size === 0) return;
    this.commands().copyBufferToBuffer(from.buffer, fromAt * 4, to.buffer, toAt * 4, size * 4);
  }

  /** Runs one compute dispatch (queued; results are read with `read`). */
  dispatch({ code, inputs, outputs, params, workgroups }: Dispatch): void {
    if (workgroups[0] * workgroups[1] * workgroups[2] === 0) return;
    const device = this.device;
    const pipeline = this.pipeline(code);
    const entries: GPUBindGroupEntry[] = [...inputs, ...outputs].map((d, binding) => ({ binding, resource: { buffer: d.buffer } }));
    let paramBuffer: GPUBuffer | undefined;
    if (params !== undefined) {
      const words = Uint32Array.from(params, (v) => v >>> 0);
      paramBuffer = device.createBuffer({ size: Math.max(16, words.byteLength), usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
      new Uint32Array(paramBuffer.getMappedRange()).set(words);
      paramBuffer.unmap();
      entries.push({ binding: entries.length, resource: { buffer: paramBuffer } });
    }
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.commands().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    pass.end();
    if (paramBuffer !== undefined) this.retire(paramBuffer);
    this.counts.dispatches++;
    // A bounded batch: the GPU starts on work while more is recorded.
    if (++this.recorded >= COMMANDS_PER_SUBMIT) this.flush();
  }

  /** The command encoder recording the current batch. */
  private commands(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  /** A buffer to destroy after the recorded commands that may use it are submitted. */
  private retire(buffer: GPUBuffer): void {
    if (this.encoder === undefined) buffer.destroy();
    else this.retired.push(buffer);
  }

  /** Submits the recorded commands (reads and host writes call it; so does every 64th dispatch). */
  flush(): void {
    if (this.encoder === undefined) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.recorded = 0;
    // Destroying after submit is allowed: the queued work keeps them until it finishes.
    for (const b of this.retired) b.destroy();
    this.retired = [];
  }

  private pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (p === undefined) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** Resolves when the GPU has finished all work queued so far. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }
}
