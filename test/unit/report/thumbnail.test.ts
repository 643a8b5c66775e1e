import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { extraChannelPngs, modelViewPng, originalPng, rgbPng } from '../../../src/report/thumbnail.js';

async function decode(b64: string): Promise<{ data: number[]; width: number; height: number; channels: number }> {
  const img = sharp(Buffer.from(b64, 'base64'));
  const stored = (await img.metadata()).channels;
  // NOTE: sharp decodes gray PNGs to sRGB unless asked to keep one band.
  const { data, info } = await (stored === 1 ? img.extractChannel(0) : img).raw().toBuffer({ resolveWithObject: true });
  return { data: Array.from(data), width: info.width, height: info.height, channels: stored };
}

const dir = mkdtempSync(path.join(tmpdir(), 'assay-thumb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rgbPng', () => {
  it('encodes raw pixels losslessly', async () => {
    const px = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    expect(await decode(await rgbPng(px, 2, 2, 3))).toEqual({ data: Array.from(px), width: 2, height: 2, channels: 3 });
  });
  it('keeps one-channel input gray', async () => {
    expect(await decode(await rgbPng(new Uint8Array([40, 80]), 2, 1, 1))).toEqual({ data: [40, 80], width: 2, height: 1, channels: 1 });
  });
  it('rejects a buffer of the wrong size and unsupported channel counts', async () => {
    await expect(rgbPng(new Uint8Array(11), 2, 2, 3)).rejects.toThrow(/expected 2 x 2 x 3/);
    await expect(rgbPng(new Uint8Array(20), 2, 2, 5)).rejects.toThrow(/channels/);
  });
});

describe('extraChannelPngs', () => {
  it('shows each channel modelViewPng leaves out, one gray image each', async () => {
    const gray = { count: 2, height: 1, width: 2, channels: 2, data: new Uint8Array([1, 2, 3, 4, 40, 255, 80, 0]) };
    const [edges, ...more] = await extraChannelPngs(gray, 1, 2);
    expect(more).toEqual([]);
    expect((await decode(edges!)).data).toEqual([255, 0]);
    const rgbEdges = { count: 1, height: 1, width: 1, channels: 4, data: new Uint8Array([10, 20, 30, 250]) };
    const channels = await extraChannelPngs(rgbEdges, 0, 1);
    expect(await decode(channels[0]!)).toEqual({ data: [250], width: 1, height: 1, channels: 1 });
    expect(await extraChannelPngs({ count: 1, height: 1, width: 1, channels: 3, data: new Uint8Array(3) }, 0, 1)).toEqual([]);
  });
});

describe('modelViewPng', () => {
  it('min-max scales float data per image and shows the chosen image', async () => {
    const block = { count: 2, height: 2, width: 2, channels: 1, data: new Float32Array([9, 9, 9, 9, -1, 0, 1, 3]) };
    const out = await decode(await modelViewPng(block, 1, 2));
    expect(out).toMatchObject({ width: 2, height: 2, channels: 1 });
    expect(out.data).toEqual([0, 64, 128, 255]);
  });
  it('renders a constant float image as mid-gray', async () => {
    const block = { count: 1, height: 1, width: 2, channels: 1, data: new Float32Array([0.3, 0.3]) };
    expect((await decode(await modelViewPng(block, 0, 2))).data).toEqual([128, 128]);
  });
  it('keeps the first three channels of a 4-channel block (RGB + edges) and uint8 data as is', async () => {
    const block = { count: 1, height: 1, width: 1, channels: 4, data: new Uint8Array([10, 20, 30, 250]) };
    expect(await decode(await modelViewPng(block, 0, 1))).toEqual({ data: [10, 20, 30], width: 1, height: 1, channels: 3 });
  });
  it('keeps the first channel of a gray + edges block', async () => {
    const block = { count: 1, height: 1, width: 2, channels: 2, data: new Uint8Array([40, 255, 80, 0]) };
    expect((await decode(await modelViewPng(block, 0, 2))).data).toEqual([40, 80]);
  });
  it('enlarges small inputs with nearest neighbour, keeping the aspect ratio', async () => {
    const block = { count: 1, height: 1, width: 2, channels: 1, data: new Uint8Array([0, 200]) };
    const out = await decode(await modelViewPng(block, 0, 4));
    expect([out.width, out.height]).toEqual([4, 2]);
    expect(out.data).toEqual([0, 0, 200, 200, 0, 0, 200, 200]);
  });
  it('rejects an index outside the block and a data size that does not match', async () => {
    const block = { count: 1, height: 1, width: 1, channels: 1, data: new Uint8Array([1]) };
    await expect(modelViewPng(block, 1)).rejects.toThrow(/outside/);
    await expect(modelViewPng({ ...block, count: 2 }, 0)).rejects.toThrow(/expected 2 x 1 x 1 x 1/);
  });
});

describe('originalPng', () => {
  it('scales a stored image so the longest side is the size', async () => {
    const file = path.join(dir, 'wide.jpg');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toFile(file);
    const out = await decode(await originalPng(file, 50));
    expect([out.width, out.height]).toEqual([50, 25]);
    expect(Math.abs(out.data[0]! - 90)).toBeLessThanOrEqual(2);
  });
  it('rejects a corrupt file', async () => {
    const file = path.join(dir, 'bad.jpg');
    writeFileSync(file, 'not an image');
    await expect(originalPng(file)).rejects.toThrow();
  });
});
