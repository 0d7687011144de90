// Browser twin of gunzip.ts (picked by the playground's bundler, playground/build.mjs).
export function gunzipSync(_buf: Uint8Array): Uint8Array {
  throw new Error('gzip-compressed files are not read in the browser; decompress the file first');
}
