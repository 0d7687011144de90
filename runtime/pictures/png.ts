// PNG encoding with pngjs (Node). The playground's bundle takes png.browser.ts instead: a page draws on a canvas.
import { PNG } from 'pngjs';

/** RGBA pixels (width × height × 4 bytes, row-major) as a PNG file */
export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Buffer {
  const png = new PNG({ width, height });
  Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength).copy(png.data);
  return PNG.sync.write(png);
}
