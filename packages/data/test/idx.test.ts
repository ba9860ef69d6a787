import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IdxFormatError, parseIdx, readIdx } from '../src/index.js';

/** Builds an IDX buffer: header + big-endian values. */
function idx(typeCode: number, shape: number[], values: number[], bytesPer = 1): Uint8Array {
  const header = 4 + 4 * shape.length;
  const buf = new Uint8Array(header + values.length * bytesPer);
  const view = new DataView(buf.buffer);
  buf[2] = typeCode;
  buf[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((v, i) => {
    const at = header + i * bytesPer;
    if (typeCode === 0x08) view.setUint8(at, v);
    else if (typeCode === 0x0c) view.setInt32(at, v, false);
    else if (typeCode === 0x0d) view.setFloat32(at, v, false);
  });
  return buf;
}

describe('IDX', () => {
  it('parses uint8, int32 and float32 arrays, gzipped or not', () => {
    const u8 = idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
    expect(parseIdx(u8)).toEqual({ shape: [2, 3], type: 'uint8', values: new Uint8Array([0, 1, 2, 253, 254, 255]) });
    expect(parseIdx(gzipSync(u8)).shape).toEqual([2, 3]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-5, 70000], 4)).values)).toEqual([-5, 70000]);
    expect(Array.from(parseIdx(idx(0x0d, [1], [1.5], 4)).values)).toEqual([1.5]);
  });

  it('reads files into tensors, scaling images to [0, 1]', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-idx-'));
    writeFileSync(join(dir, 'img.gz'), gzipSync(idx(0x08, [1, 2, 2], [0, 51, 102, 255])));
    const img = readIdx(join(dir, 'img.gz'), { scale: true });
    expect(img.shape).toEqual([1, 2, 2]);
    expect(Array.from(img.dataSync())).toEqual(Array.from(new Float32Array([0, 0.2, 0.4, 1])));
    expect(readIdx(join(dir, 'img.gz')).dtype).toBe('int32');
  });

  it('rejects truncated, overlong and malformed data with a clear error', () => {
    const good = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'x.idx')).toThrow(IdxFormatError);
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'x.idx')).toThrow('readIdx: x.idx: truncated: shape [2,3] of uint8 needs 18 bytes, the file has 17');
    expect(() => parseIdx(new Uint8Array([...good, 0]), 'x.idx')).toThrow(/too long/);
    const badMagic = good.slice();
    badMagic[0] = 8;
    expect(() => parseIdx(badMagic)).toThrow(/bad magic number 0x08000802/);
    const badType = good.slice();
    badType[2] = 0x42;
    expect(() => parseIdx(badType)).toThrow(/unknown element type code 0x42/);
    expect(() => parseIdx(good.subarray(0, 6))).toThrow(/truncated header/);
    const gz = gzipSync(good);
    expect(() => parseIdx(gz.subarray(0, gz.length - 6), 'x.gz')).toThrow(/gzip stream is corrupt or truncated/);
    expect(() => readIdx('/nonexistent/file.idx')).toThrow(/cannot read the file \(ENOENT\)/);
  });
});
