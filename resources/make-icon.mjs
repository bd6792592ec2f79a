// Draws resources/icon.png (512x512, the app icon electron-builder turns into .icns/.ico and
// the Linux icons): a flow tree, one root over three children, on a dark rounded square.
// Run `node resources/make-icon.mjs` after changing it; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 512;
const px = new Float32Array(N * N * 4);
const BG = [15, 17, 21];
const EDGE = [110, 118, 135];
const ROOT = [88, 166, 255];
const OK = [63, 185, 80];
const FAIL = [248, 81, 73];

function blend(x, y, color, alpha) {
  const i = (y * N + x) * 4;
  const a = Math.max(0, Math.min(1, alpha));
  const under = px[i + 3];
  const out = a + under * (1 - a);
  for (let c = 0; c < 3; c++) px[i + c] = out === 0 ? 0 : (color[c] * a + px[i + c] * under * (1 - a)) / out;
  px[i + 3] = out;
}

function shape(dist, color) {
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) blend(x, y, color, 0.5 - dist(x + 0.5, y + 0.5));
}

const roundedSquare = (m, r) => (x, y) => {
  const qx = Math.abs(x - N / 2) - (N / 2 - m - r);
  const qy = Math.abs(y - N / 2) - (N / 2 - m - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) - w / 2;
};

shape(roundedSquare(16, 96), BG);
const root = [256, 150];
const kids = [
  [136, 362, OK],
  [256, 362, OK],
  [376, 362, FAIL],
];
for (const [x, y] of kids) shape(segment(root[0], root[1], x, y, 18), EDGE);
shape(circle(root[0], root[1], 62), ROOT);
for (const [x, y, color] of kids) shape(circle(x, y, 46), color);

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  for (let x = 0; x < N; x++) {
    const i = (y * N + x) * 4;
    const o = y * (N * 4 + 1) + 1 + x * 4;
    for (let c = 0; c < 3; c++) raw[o + c] = Math.round(px[i + c]);
    raw[o + 3] = Math.round(px[i + 3] * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(N, 0);
header.writeUInt32BE(N, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
writeFileSync(
  new URL('./icon.png', import.meta.url),
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]),
);
