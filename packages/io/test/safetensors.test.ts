import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randn, tensor } from '@nn/tensor';
import { loadSafetensors, parseSafetensors, SafetensorsError, saveSafetensors, serializeSafetensors } from '../src/index.js';

/** Builds a file by hand from a header object and raw data, exactly as the format specifies. */
function build(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('safetensors', () => {
  it('reads a file laid out by the specification', () => {
    const data = new Uint8Array([...f32(1, 2, 3, 4), ...new Uint8Array(new Int32Array([7, -8]).buffer)]);
    const bytes = build(
      {
        __metadata__: { format: 'pt' },
        weight: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        step: { dtype: 'I32', shape: [2], data_offsets: [16, 24] },
      },
      data,
    );
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.weight!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensors.step!.dtype).toBe('int32');
    expect(tensors.step!.toArray()).toEqual([7, -8]);
  });

  it('writes the layout the specification describes (little-endian length, JSON, aligned data)', () => {
    const bytes = serializeSafetensors({ b: tensor([1.5]), a: tensor([true, false]) }, { note: 'x' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { note: 'x' },
      a: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] },
      b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
    });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([1, 0, ...f32(1.5)]);
  });

  it('round-trips every dtype through a file, atomically written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-st-'));
    const path = join(dir, 'ckpt.safetensors');
    const dict = { w: randn([3, 4]), d: randn([2], { dtype: 'float64' }), i: tensor([1, -2], undefined, 'int32'), m: tensor([true]), s: tensor(3) };
    saveSafetensors(path, dict, { epoch: '3' });
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
    const { tensors, metadata } = loadSafetensors(path);
    expect(metadata.epoch).toBe('3');
    for (const [k, t] of Object.entries(dict)) {
      expect(tensors[k]!.dtype).toBe(t.dtype);
      expect(tensors[k]!.shape).toEqual(t.shape);
      expect(Array.from(tensors[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  it('converts F16, BF16, I64 and U8 on load', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, ~0.333
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0x4049]).buffer); // 1, ~3.14
    const i64 = new Uint8Array(new BigInt64Array([5n, -6n]).buffer);
    const u8 = new Uint8Array([200]);
    const bytes = build(
      {
        h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
        l: { dtype: 'I64', shape: [2], data_offsets: [10, 26] },
        u: { dtype: 'U8', shape: [1], data_offsets: [26, 27] },
      },
      new Uint8Array([...half, ...bf, ...i64, ...u8]),
    );
    const { tensors } = parseSafetensors(bytes);
    const h = tensors.h!.dataSync();
    expect([h[0], h[1]]).toEqual([1, -2]);
    expect(h[2]).toBeCloseTo(1 / 3, 3);
    expect(tensors.b!.dataSync()[1]).toBeCloseTo(3.140625, 6);
    expect(tensors.l!.toArray()).toEqual([5, -6]);
    expect(tensors.u!.toArray()).toEqual([200]);
  });

  it('rejects corrupt files with a message naming the problem', () => {
    const good = serializeSafetensors({ a: tensor([1, 2]), b: tensor([3]) });
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /only 5 bytes/],
      [good.subarray(0, good.length - 1), /tensor 'b' data_offsets \[8, 12\] fall outside the 11 data bytes/],
      [new Uint8Array([...good, 0]), /the tensors cover 12 data bytes but the file has 13/],
      [good.subarray(0, 20), /header length \d+ exceeds/],
      [build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)), /needs 8 bytes but data_offsets span 4/],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }, f32(1)), /fall outside the 4 data bytes/],
      [build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 4] } }, f32(1)), /unsupported dtype "C64"/],
      [build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /invalid shape/],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1)), /overlap/],
      [build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /hole/],
      [build({ a: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, new Uint8Array([7])), /BOOL but holds byte 7/],
      [build({ __metadata__: { n: 1 } }, new Uint8Array()), /__metadata__ must map strings to strings/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseSafetensors(bytes, 'bad.safetensors')).toThrow(SafetensorsError);
      expect(() => parseSafetensors(bytes, 'bad.safetensors')).toThrow(message);
    }
    const garbage = new Uint8Array(16);
    new DataView(garbage.buffer).setBigUint64(0, 4n, true);
    garbage.set([0x7b, 0x7b, 0xff, 0x7d], 8);
    expect(() => parseSafetensors(garbage.subarray(0, 12))).toThrow(/not valid UTF-8 JSON/);
    const dir = mkdtempSync(join(tmpdir(), 'nn-st-'));
    writeFileSync(join(dir, 'x'), good.subarray(0, 30));
    expect(() => loadSafetensors(join(dir, 'x'))).toThrow(/x: /);
    expect(() => loadSafetensors(join(dir, 'missing'))).toThrow(/cannot read the file \(ENOENT\)/);
    expect(readFileSync(join(dir, 'x')).length).toBe(30);
  });
});
