/**
 * The demo books' pictures: a small cover drawn in code and encoded as a PNG (8-bit RGB, one IDAT
 * chunk deflated by node:zlib), so the demo needs no image files and no image library. A cover is a
 * plain background in the book's colour, a darker spine, a light title panel and a few bars where the
 * title and author would be; about 300 bytes.
 */
import { deflateSync } from 'node:zlib';

const WIDTH = 96;
const HEIGHT = 144;

type Rgb = readonly [number, number, number];

/** CRC-32 (ISO-HDLC, as PNG chunks use it). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG of WIDTH x HEIGHT whose pixel (x, y) has colour `paint(x, y)`. */
function png(paint: (x: number, y: number) => Rgb): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(HEIGHT * (1 + WIDTH * 3));
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (1 + WIDTH * 3); // each row starts with filter type 0 (none)
    for (let x = 0; x < WIDTH; x++) rows.set(paint(x, y), row + 1 + x * 3);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The colour of hue `h` (0..360) at saturation 0.55 and lightness `l`, as RGB bytes. */
function hsl(h: number, l: number): Rgb {
  const s = 0.55;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * A cover in hue `hue` (0..360) with one title bar per entry of `titleBars`, each as wide as its
 * fraction of the panel: books differ by colour and by the shape of their title.
 */
export function coverPng(hue: number, titleBars: readonly number[]): Buffer {
  const background = hsl(hue, 0.45);
  const spine = hsl(hue, 0.3);
  const panel = hsl(hue, 0.9);
  const ink = hsl(hue, 0.2);
  const inPanel = (x: number, y: number) => x >= 18 && x < WIDTH - 8 && y >= 24 && y < 72;
  const onBar = (x: number, y: number) =>
    titleBars.some((width, i) => {
      const top = 32 + i * 12;
      return y >= top && y < top + 6 && x >= 24 && x < 24 + width * (WIDTH - 40);
    });
  const onAuthor = (x: number, y: number) => y >= 112 && y < 116 && x >= 24 && x < WIDTH - 24;
  return png((x, y) => {
    if (x < 10) return spine;
    if (inPanel(x, y)) return onBar(x, y) ? ink : panel;
    return onAuthor(x, y) ? panel : background;
  });
}
