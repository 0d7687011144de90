// Finding words in a PNG: the font's own rendering of the text, searched as an exact bitmap (dark
// ink where the glyphs have ink, no ink in the glyphs' blank cells and a one-pixel margin).
import { Canvas } from '../../runtime/pictures/canvas.js';
import { CHAR_H, drawText, textWidth } from '../../runtime/pictures/font.js';

export type Img = { width: number; height: number; data: Uint8Array | Buffer };
export const dark = (img: Img, x: number, y: number) => img.data[(y * img.width + x) * 4]! < 100;

/** top-left corners where `text` (scale s, dark ink on white) appears in the image */
export function findText(img: Img, text: string, s = 1): { x: number; y: number }[] {
  const w = textWidth(text, s) + 2;
  const h = (CHAR_H + 2) * s + 2;
  const c = new Canvas(w, h);
  drawText(c, 1, 1, text, { scale: s, rgb: [0, 0, 0] });
  const ink: [number, number][] = [];
  const blank: [number, number][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) (dark(c, x, y) ? ink : blank).push([x, y]);
  const hits: { x: number; y: number }[] = [];
  for (let y = 0; y + h <= img.height; y++) {
    for (let x = 0; x + w <= img.width; x++) {
      const inked = ink.every(([i, j]) => dark(img, x + i, y + j));
      if (inked && blank.every(([i, j]) => !dark(img, x + i, y + j))) hits.push({ x, y });
    }
  }
  return hits;
}
