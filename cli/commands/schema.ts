// flowc schema: the JSON Schema of the YAML form, generated from the registry.
import { generateSchema } from '../../compiler/schema.js';
import type { CliIO } from '../io.js';

export async function runSchema(io: CliIO): Promise<number> {
  const schema: unknown = generateSchema();
  io.out((typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2)) + '\n');
  return 0;
}
