#!/usr/bin/env node
// Draws the extension icon (images/icon.png): a blue shield with a white check mark, 128×128 RGBA.
// No image library: each pixel is sampled 4×4 times against the shapes below, and the PNG is written by hand
// (signature, IHDR, one zlib-compressed IDAT, IEND). Run `node images/make-icon.mjs` after changing it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

/** Half-width of a shield whose top edge is at `top`, whose sides are straight down to `shoulder` and then curve
 * in to a point at `bottom`; centred on x = 0.5. Returns -1 outside the shield's height. */
function shieldHalfWidth(v, { top, shoulder, bottom, half }) {
  if (v < top || v > bottom) return -1;
  if (v <= shoulder) return half;
  const t = (v - shoulder) / (bottom - shoulder);
  return half * Math.pow(1 - t * t, 0.8);
}

function insideShield(u, v, shape) {
  const hw = shieldHalfWidth(v, shape);
  return hw >= 0 && Math.abs(u - 0.5) <= hw;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const outer = { top: 0.07, shoulder: 0.46, bottom: 0.95, half: 0.4 };
const inner = { top: 0.135, shoulder: 0.46, bottom: 0.865, half: 0.335 };
const check = [
  [0.33, 0.5],
  [0.455, 0.63],
  [0.68, 0.36],
];
const border = [24, 52, 92];
const fillTop = [56, 140, 240];
const fillBottom = [22, 88, 190];
const white = [255, 255, 255];

/** The colour at one sample point, or null where the icon is transparent. */
function sample(u, v) {
  if (!insideShield(u, v, outer)) return null;
  if (!insideShield(u, v, inner)) return border;
  const onCheck =
    distanceToSegment(u, v, check[0], check[1]) <= 0.045 || distanceToSegment(u, v, check[1], check[2]) <= 0.045;
  if (onCheck) return white;
  const t = (v - inner.top) / (inner.bottom - inner.top);
  return fillTop.map((c, i) => Math.round(c + (fillBottom[i] - c) * t));
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = sample((x + (sx + 0.5) / SAMPLES) / SIZE, (y + (sy + 0.5) / SAMPLES) / SIZE);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        covered++;
      }
    }
    const at = row + 1 + x * 4;
    if (covered > 0) {
      raw[at] = Math.round(r / covered);
      raw[at + 1] = Math.round(g / covered);
      raw[at + 2] = Math.round(b / covered);
    }
    raw[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
header[10] = 0; // compression
header[11] = 0; // filter method
header[12] = 0; // no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(import.meta.dirname, 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
