// flowc check FILE... [--format text|json]: parse and check; never loads TensorFlow.js.
import { checkSource, renderDiagnostics, renderDiagnosticsJson } from '../../compiler/index.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { readInput } from '../spec.js';
import { UsageError, type CliIO } from '../io.js';

export async function runCheck(io: CliIO, files: string[], opts: { format: 'text' | 'json' }): Promise<number> {
  const sources = new Map<string, string>();
  const diags: Diagnostic[] = [];
  const missing: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInput(file, 'spec file');
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      missing.push(e.message);
      continue;
    }
    sources.set(file, text);
    diags.push(...checkSource(text, file).diagnostics);
  }
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  if (opts.format === 'json') {
    const json = renderDiagnosticsJson(diags, sources);
    io.out(
      JSON.stringify({ diagnostics: json, errors, warnings, files: [...sources.keys()], missing }, null, 2) + '\n',
    );
  } else if (diags.length > 0) {
    const text = renderDiagnostics(diags, sources, { color: io.color });
    io.out(text.endsWith('\n') ? text : text + '\n');
  }
  for (const m of missing) io.err(`flowc: error: ${m}\n`);
  if (opts.format === 'text') {
    const n = sources.size;
    const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
    io.err(`checked ${plural(n, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
  }
  if (missing.length > 0) return 2;
  return errors > 0 ? 1 : 0;
}
