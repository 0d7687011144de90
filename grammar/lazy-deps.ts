// Libraries that only the YAML form (yaml, ajv) and FlowIR validation (ajv) need, loaded on first
// use: `flowc check` on .flow files and the language server start without them (each costs
// ~20–100 ms of module loading). Types come from the packages as usual (`import type`).
import { createRequire } from 'node:module';
import type * as YamlLib from 'yaml';
import type * as AjvLib from 'ajv';

const require = createRequire(import.meta.url);

let yamlLib: typeof YamlLib | undefined;
let ajvLib: typeof AjvLib | undefined;

/** the `yaml` package (its Node entry is CommonJS, the same instance an ESM import gets) */
export const yaml = (): typeof YamlLib => (yamlLib ??= require('yaml') as typeof YamlLib);

/** the `ajv` package */
export const ajv = (): typeof AjvLib => (ajvLib ??= require('ajv') as typeof AjvLib);
