/**
 * Finding a GPU: `navigator.gpu` in browsers (and in Deno or Node versions
 * that have it), else the `webgpu` npm package (Dawn) in Node.
 * @module
 */
import { BackendError } from '@nn/tensor';

/**
 * Dawn's entry object. It must stay referenced while its devices live: when
 * it is garbage-collected the process dies (see TOOLCHAIN.md), so it is kept
 * here for the life of the module.
 */
let dawnGpu: GPU | undefined;

/** The `GPU` object of this platform, or undefined where there is none. */
async function findGpu(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return nav.gpu;
  if (dawnGpu !== undefined) return dawnGpu;
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  let dawn: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    // A variable specifier keeps bundlers from pulling the Node addon into browser builds.
    const name = 'webgpu';
    dawn = (await import(name)) as typeof dawn;
  } catch (e) {
    throw new BackendError(`webgpu: no navigator.gpu here, and the 'webgpu' npm package (Dawn for Node) could not be loaded: ${(e as Error).message}`);
  }
  // Dawn's classes (GPUBufferUsage, GPUShaderStage, ...) as the globals WebGPU code expects.
  for (const [key, value] of Object.entries(dawn.globals)) if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  dawnGpu = dawn.create([]);
  return dawnGpu;
}

/** What {@link requestDevice} found. */
export interface GpuDevice {
  readonly device: GPUDevice;
  /** The adapter's description (vendor, architecture, driver), e.g. "SwiftShader driver 5.0.0". */
  readonly adapterName: string;
}

/**
 * Requests a high-performance adapter and a device with the adapter's
 * largest storage-buffer limits. Rejects with a `BackendError` that says
 * what is missing when there is no adapter.
 */
export async function requestDevice(): Promise<GpuDevice> {
  const gpu = await findGpu();
  if (gpu === undefined) throw new BackendError('webgpu: this platform has no WebGPU (no navigator.gpu, and not Node)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    const hint =
      typeof process !== 'undefined' && process.versions?.node !== undefined
        ? ' In Node, Dawn needs a Vulkan driver: install libvulkan1 and a driver, or point VK_DRIVER_FILES at one (SwiftShader ships with Debian\'s chromium: /usr/lib/chromium/vk_swiftshader_icd.json).'
        : ' In Chromium, WebGPU may need --enable-unsafe-webgpu, and pages served over http(s).';
    throw new BackendError(`webgpu: no GPU adapter was found.${hint}`);
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    },
  });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== undefined && s !== '').join(' ') || 'unknown adapter';
  return { device, adapterName };
}
