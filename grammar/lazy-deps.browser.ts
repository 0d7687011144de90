// Browser twin of lazy-deps.ts (picked by the playground's bundler, playground/build.mjs): no `require`
// in a browser, so yaml and ajv are bundled and returned as they are.
import * as YamlLib from 'yaml';
import * as AjvLib from 'ajv';

export const yaml = (): typeof YamlLib => YamlLib;
export const ajv = (): typeof AjvLib => AjvLib;
