import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); Playwright cannot download browsers here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));

interface Run { product: number[]; logits: number[]; lossBefore: number; lossAfter: number }
interface PageResult { error?: string; crossOriginIsolated: boolean; threads: number; cores: number; relaxedSimd: boolean; cpu: Run; wasm: Run }

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/** Opens the page served by `server` and returns what it reports. */
async function runPage(browser: Browser, server: ViteDevServer): Promise<PageResult> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.resolvedUrls!.local[0]!);
  await page.waitForFunction(() => (globalThis as unknown as { nnResult?: unknown }).nnResult !== undefined, undefined, { timeout: 90_000 });
  const r = (await page.evaluate(() => (globalThis as unknown as { nnResult: unknown }).nnResult)) as PageResult;
  await page.close();
  expect(errors).toEqual([]);
  expect(r.error).toBeUndefined();
  return r;
}

/** The wasm results match the cpu ones, and the training step lowered the loss. */
function expectAgreement(r: PageResult): void {
  expect(r.wasm.product.length).toBe(64 * 80);
  expect(maxDiff(r.wasm.product, r.cpu.product)).toBeLessThan(1e-3);
  expect(maxDiff(r.wasm.logits, r.cpu.logits)).toBeLessThan(1e-4);
  expect(Math.abs(r.wasm.lossBefore - r.cpu.lossBefore)).toBeLessThan(1e-4);
  expect(Math.abs(r.wasm.lossAfter - r.cpu.lossAfter)).toBeLessThan(1e-4);
  expect(r.wasm.lossAfter).toBeLessThan(r.wasm.lossBefore);
}

describe.skipIf(!existsSync(CHROMIUM))('the wasm backend in headless Chromium', () => {
  let browser: Browser;
  const servers: ViteDevServer[] = [];

  /** A dev server for the example: with its config (cross-origin isolation headers), or without any. */
  async function serve(isolated: boolean): Promise<ViteDevServer> {
    const server = await createServer({ root, configFile: isolated ? `${root}/vite.config.ts` : false, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
    await server.listen();
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  it('loads with threads in a cross-origin isolated page and matches the cpu backend', async () => {
    const r = await runPage(browser, await serve(true));
    console.log(`browser: ${r.threads} threads, relaxed SIMD ${r.relaxedSimd}; cpu ${r.cpu.lossBefore} -> ${r.cpu.lossAfter}, wasm ${r.wasm.lossBefore} -> ${r.wasm.lossAfter}`);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.threads).toBe(r.cores); // one worker per core besides the page's thread
    expectAgreement(r);
  }, 120_000);

  it('runs on one thread, with the same results, in a page that is not cross-origin isolated', async () => {
    const r = await runPage(browser, await serve(false));
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.threads).toBe(1);
    expectAgreement(r);
  }, 120_000);
});
