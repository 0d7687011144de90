// flowc fmt FILE... [--check] [--write]: the canonical layout of .flow files (grammar/format.ts,
// the same formatter as the language server). Without a flag the formatted text goes to stdout.
// Exit: 0 done (or, with --check, already formatted); 1 syntax errors, or --check found files
// to reformat; 2 usage errors (missing file, a .flow.yaml file, --check with --write).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatFlow } from '../../grammar/format.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostic.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { processIO, type CliIO } from '../io.js';

export interface FmtOptions {
  check?: boolean;
  write?: boolean;
}

export async function runFmt(io: CliIO, files: string[], opts: FmtOptions): Promise<number> {
  if (opts.check && opts.write) {
    io.err('flowc: error: --check and --write cannot be used together\n');
    return 2;
  }
  let usage = false,
    failed = false,
    unformatted = 0;
  for (const file of files) {
    if (/\.ya?ml$/i.test(file)) {
      io.err(`flowc: error: ${file}: fmt formats .flow files; the YAML form is left to YAML tools\n`);
      usage = true;
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      io.err(`flowc: error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      usage = true;
      continue;
    }
    const r = formatFlow(text, file);
    if (hasErrors(r.diagnostics)) {
      report(io, r.diagnostics, file, text);
      io.err(`flowc: ${file} was not formatted (fix the errors above first)\n`);
      failed = true;
      continue;
    }
    const changed = r.text !== text;
    if (opts.check) {
      if (changed) {
        unformatted++;
        io.out(`${file}: not formatted\n`);
      }
    } else if (opts.write) {
      if (changed) {
        writeFileSync(file, r.text);
        io.out(`formatted ${file}\n`);
      }
    } else {
      io.out(r.text);
    }
  }
  if (opts.check && !usage && !failed) {
    io.err(
      unformatted
        ? `${unformatted} of ${files.length} file(s) need formatting (run flowc fmt --write)\n`
        : `${files.length} file(s) formatted\n`,
    );
  }
  if (usage) return 2;
  return failed || unformatted > 0 ? 1 : 0;
}

function report(io: CliIO, diags: readonly Diagnostic[], file: string, text: string): void {
  io.err(renderDiagnostics(diags, new Map([[file, text]]), { color: io.color }));
}

/** Adds `fmt` to the flowc program (cli/program.ts may instead call runFmt from its own action). */
export function register(
  program: Command,
  io: CliIO = processIO(),
  done: (code: number) => void = (c) => {
    process.exitCode = c;
  },
): void {
  program
    .command('fmt')
    .description('format .flow files canonically (2-space indentation, one statement per line, comments kept)')
    .argument('<files...>', '.flow files')
    .option('--check', 'only report files that are not formatted (exit 1 if any)')
    .option('--write', 'rewrite the files in place')
    .action(async (files: string[], opts: FmtOptions) => done(await runFmt(io, files, opts)));
}
