// gzip inflation for data files (a browser twin, gunzip.browser.ts, refuses gzip: the playground reads plain files).
export { gunzipSync } from 'node:zlib';
