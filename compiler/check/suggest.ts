// "Did you mean" (grammar/suggest.ts: the front ends use it too).
export { listNames, suggest } from '../../grammar/suggest.js';
