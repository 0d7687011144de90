// Browser twin of png.ts (picked by the playground's bundler, playground/build.mjs): the page draws its pictures
// on a canvas and writes no PNG files.
export function encodePng(_w: number, _h: number, _rgba: Uint8Array | Uint8ClampedArray): never {
  throw new Error('PNG files are written by the command line, not in the browser');
}
