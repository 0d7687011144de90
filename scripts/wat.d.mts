// Types of scripts/wat.mjs (the WAT → TypeScript byte-module generator) for the tests that import it.
export interface WatProgram {
  /** the .wat path relative to the repository root */
  wat: string;
  /** whether a variant importing a shared memory is generated too */
  shared: boolean;
}
export const PROGRAMS: WatProgram[];
/** the binary of one WAT text; throws an Error naming file, line and column */
export function assemble(file: string, text: string): Promise<Uint8Array>;
/** the program's text with its memory import made shared */
export function sharedVariant(file: string, text: string): string;
/** the generated module's path and text for one program */
export function generate(program: WatProgram, root?: string): Promise<{ path: string; text: string }>;
