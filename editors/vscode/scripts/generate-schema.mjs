// Writes editors/vscode/flow.schema.json: the JSON Schema of the YAML form, generated from the
// layer registry by compiler/schema.ts (the same schema `flowc schema` prints). Run after the
// root `npm run build`:   cd editors/vscode && npm run schema
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../../', import.meta.url);
const { generateSchema } = await import(new URL('dist/compiler/schema.js', root).href);
const out = fileURLToPath(new URL('../flow.schema.json', import.meta.url));
writeFileSync(out, JSON.stringify(generateSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
