// flowc help [TOPIC]: the language reference generated from the registry.
//   flowc help                  the commands (as flowc --help)
//   flowc help COMMAND          that command's --help
//   flowc help language         the whole reference in Markdown (docs/LANGUAGE.md is its output)
//   flowc help NAME             one declaration or kind, e.g. coupling, mlp, train, toy
//   flowc help FC201            one diagnostic code
//   flowc help yaml             the YAML form (docs/YAML_FORM.md)
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { UsageError, type CliIO } from '../io.js';

/** docs/YAML_FORM.md of the package (dist/cli/commands/ or, from source, cli/commands/) */
function yamlForm(): string {
  for (const up of ['../../../', '../../']) {
    const file = new URL(`${up}docs/YAML_FORM.md`, import.meta.url);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new UsageError('docs/YAML_FORM.md is missing from this installation of flowc');
}

export async function runHelp(io: CliIO, program: Command, topic: string | undefined): Promise<number> {
  if (topic === undefined) {
    program.outputHelp();
    return 0;
  }
  const { languageReference, topicHelp, topics } = await import('../../compiler/reference/markdown.js');
  if (topic === 'language') {
    io.out(languageReference());
    return 0;
  }
  if (topic === 'yaml') {
    io.out(yamlForm());
    return 0;
  }
  const text = topicHelp(topic);
  const command = program.commands.find((c) => c.name() === topic && c.name() !== 'help');
  if (command) {
    command.outputHelp(); // with its examples (addHelpText)
    if (text) io.out(`\n${text}`);
  } else if (text) io.out(text);
  else if (/^FC\d{3}$/i.test(topic)) {
    const { lookupCode } = await import('../../compiler/diagnostics/catalogue.js');
    const def = lookupCode(topic);
    if (!def) {
      throw new UsageError(`no diagnostic ${topic.toUpperCase()}; codes are listed by \`flowc check --format json\``);
    }
    io.out(`${def.code} (${def.severity}): ${def.title}\n`);
  } else {
    const { suggest } = await import('../../compiler/check/suggest.js');
    const names = [...topics(), ...program.commands.map((c) => c.name()), 'language', 'yaml'];
    const s = suggest(topic, names);
    const mean = s ? `; did you mean '${s}'?` : '';
    throw new UsageError(`no help on '${topic}'${mean} (\`flowc help language\` lists every topic)`);
  }
  return 0;
}

/** Adds `help` to the flowc program (replacing commander's built-in help command). */
export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program.helpCommand(false);
  program
    .command('help')
    .description('the language reference: `help language`, a declaration or kind (`help coupling`), a code, a command')
    .argument('[topic]', 'language | yaml | a declaration or kind | a diagnostic code (FC201) | a command')
    .action(async (topic: string | undefined) => done(await runHelp(io, program, topic)));
}
