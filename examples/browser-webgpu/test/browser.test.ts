import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); Playwright cannot download browsers here. Without it this test fails: it never skips. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));

interface Run { losses: number[]; logits: number[] }
interface PageResult { error?: string; adapter: string; dispatches: number; cpu: Run; gpu: Run }

describe('the webgpu backend in headless Chromium', () => {
  let browser: Browser;
  let server: ViteDevServer;

  beforeAll(async () => {
    // SwiftShader's WebGPU adapter, headless; pages must come over http.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu'] });
    server = await createServer({ root, configFile: false, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
    await server.listen();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains LeNet-5 on the GPU with the cpu backend’s losses', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForFunction(() => (globalThis as unknown as { nnResult?: unknown }).nnResult !== undefined, undefined, { timeout: 170_000 });
    const r = (await page.evaluate(() => (globalThis as unknown as { nnResult: unknown }).nnResult)) as PageResult;
    await page.close();
    expect(errors).toEqual([]);
    expect(r.error).toBeUndefined();
    console.log(`browser webgpu on ${r.adapter}: losses ${r.gpu.losses.map((l) => l.toFixed(4)).join(' ')} (cpu ${r.cpu.losses.map((l) => l.toFixed(4)).join(' ')}), ${r.dispatches} dispatches`);
    expect(r.adapter.length).toBeGreaterThan(0);
    r.gpu.losses.forEach((l, i) => expect(Math.abs(l - r.cpu.losses[i]!)).toBeLessThan(1e-4));
    expect(r.gpu.logits.length).toBe(8 * 10);
    r.gpu.logits.forEach((v, i) => expect(Math.abs(v - r.cpu.logits[i]!)).toBeLessThan(1e-4));
    expect(r.gpu.losses.at(-1)!).toBeLessThan(r.gpu.losses[0]!);
  }, 180_000);
});
