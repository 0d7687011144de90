// The `flowc` command line: commander definitions. Each action imports its command lazily, so
// `flowc check` never loads TensorFlow.js (only train, sample and eval import the runtime).
import { Command, CommanderError, Option } from 'commander';
import { DataError } from '../runtime/data/dataset.js';
import { DATA_SYNTAX } from '../runtime/data/source.js';
import { processIO, Reported, UserError, type CliIO } from './io.js';
import { intOption, numOption } from './options.js';
import { activeBackend } from './run.js';
import { applySetting, config, ConfigError, describeSettings } from '../runtime/config.js';
import { register as registerFmt } from './commands/fmt.js';
import { register as registerLsp } from './commands/lsp.js';
import { register as registerInterpolate } from './commands/interpolate.js';
import { register as registerExport } from './commands/export.js';
import { register as registerData } from './commands/data-export.js';
import { register as registerHelp } from './commands/help.js';
import { register as registerPlayground } from './commands/playground.js';
import { examplesText } from './examples.js';

export const VERSION = '0.1.0';

const TRAIN_HELP = `
${DATA_SYNTAX}

Defaults come from the spec's train { } block (data, batch, steps/epochs, optimizer, seed);
flags override them. Without any data source, real[2] data trains on toy:moons and MNIST-shaped
data on mnist (or mnist:binarized for binary data).

A run directory holds run.json (the spec's text, the model's hash, and which steps ran with which
settings), model.ir.json, checkpoint.ckpt (+ checkpoint.prev.ckpt, the previous good one),
metrics.jsonl, loss.svg and, for 2-D data, density.png; for images, samples.png. A checkpoint is
only written when its weights and its held-out NLL are finite. SIGINT (Ctrl-C), SIGTERM and SIGHUP
finish the step, save a checkpoint and print the command that resumes. --resume refuses a spec
whose model differs from the run's, and a changed --batch or --seed; a changed --lr or --data is
applied and recorded in run.json; an edited train { } block is reported (the run keeps its settings).
`;

function buildProgram(io: CliIO, done: (code: number) => void): Command {
  const program = new Command('flowc');
  program
    .description('compile, check, explain and train autoregressive and flow-based generative models')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(`flowc: ${s.replace(/^error: /, 'error: ')}`),
    })
    .showSuggestionAfterError(true)
    .option(
      '--set <key=value>',
      'change a runtime setting for this command (repeatable; see --help-env)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--help-env', 'list the runtime settings (environment variables and --set keys) and exit')
    .on('option:help-env', () => {
      io.out(describeSettings());
      throw new CommanderError(0, 'commander.helpDisplayed', '');
    })
    .hook('preAction', () => {
      config(); // the environment's settings, checked before any work
      for (const s of program.opts<{ set?: string[] }>().set ?? []) applySetting(s);
    })
    .addHelpText(
      'after',
      '\nThe language: `flowc help language` (all of it), `flowc help NAME` (a declaration or kind, e.g. coupling).',
    );

  program
    .command('check')
    .description('parse and check spec files (.flow, .flow.yaml); exit 0 clean, 1 on errors, 2 on usage errors')
    .argument('<files...>', 'spec files')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (files: string[], opts: { format: 'text' | 'json' }) => {
      const { runCheck } = await import('./commands/check.js');
      done(await runCheck(io, files, opts));
    });

  program
    .command('schema')
    .description('print the JSON Schema of the YAML form (*.flow.yaml), generated from the layer registry')
    .action(async () => {
      const { runSchema } = await import('./commands/schema.js');
      done(await runSchema(io));
    });

  program
    .command('explain')
    .description('a table per layer: shapes, Jacobian class, log-det formula, inverse, parameters, FLOPs; then totals')
    .argument('<spec>', 'spec file')
    .option('--model <name>', 'which model of the file (needed when it holds several)')
    .option('--json', 'print JSON instead of a table')
    .option('--plan', 'the kernel each layer runs with (fast path or plain) and why not the others')
    .option('--backend <name>', 'with --plan: plan for this backend (cpu, wasm, tensorflow, or any other name)')
    .action(async (spec: string, opts: { model?: string; json?: boolean; plan?: boolean; backend?: string }) => {
      const { runExplain } = await import('./commands/explain.js');
      done(await runExplain(io, spec, opts));
    });

  program
    .command('compile')
    .description(
      'check a spec and write its FlowIR (plain JSON) or a PyTorch package to DIR; ' +
        '--dump-ast / --dump-ir print a phase',
    )
    .argument('<spec>', 'spec file')
    .option('-o, --out <dir>', 'output directory for <Model>.flowir.json')
    .option('--model <name>', 'compile only this model')
    .option('--dump-ast', 'print the AST (with spans)')
    .option('--dump-ir', 'print the FlowIR as JSON')
    .option(
      '--target <target>',
      'flowir (default): <Model>.flowir.json; pytorch: a PyTorch package (model.py, train.py)',
    )
    .action(async (spec: string, opts: Parameters<typeof import('./commands/compile.js').runCompile>[2]) => {
      const { runCompile } = await import('./commands/compile.js');
      done(await runCompile(io, spec, opts));
    });

  program
    .command('train')
    .description('train a model from a spec on built-in or file data, with progress, metrics, pictures and checkpoints')
    .argument('<spec>', 'spec file (.flow, .flow.yaml) or FlowIR file written by flowc compile (.flowir.json)')
    .option('--model <name>', 'which model of the file')
    .option('--data <src>', "data source (see below); default: the spec's train { data: ... }")
    .option(
      '--labels <file>',
      'labels of a --data file (.csv/.npy, one row per example), for a model with `condition y`',
    )
    .option(
      '--label-column <col>',
      'the labels are column COL of the --data CSV (0-based index or header name), removed from the data',
    )
    .addOption(
      new Option('--epochs <n>', 'train for N passes over the training rows')
        .argParser(intOption(1))
        .conflicts('steps'),
    )
    .addOption(
      new Option('--steps <n>', 'train for N optimizer steps (total, counting resumed ones)').argParser(intOption(1)),
    )
    .addOption(new Option('--batch <n>', 'batch size').argParser(intOption(1)))
    .addOption(new Option('--lr <x>', 'Adam learning rate').argParser(numOption()))
    .addOption(new Option('--seed <n>', 'seed for initialisation, noise and splits').argParser(intOption(0)))
    .option('--out <dir>', 'run directory (default runs/<model>-<timestamp>)')
    .option('--resume', 'continue the run in --out (default: the newest runs/<model>-*) from its checkpoint')
    .option('--force', 'write a new run into an --out folder that is not empty')
    .addOption(new Option('--eval-every <n>', 'evaluate on held-out data every N steps').argParser(intOption(1)))
    .addOption(
      new Option('--eval-seconds <s>', 'and at least S seconds apart (default 30; 0 with --eval-every)').argParser(
        numOption(false),
      ),
    )
    .addOption(
      new Option(
        '--final-eval-rows <n>',
        'held-out rows of the evaluation at the end (default: all of them)',
      ).argParser(intOption(1)),
    )
    .addOption(new Option('--checkpoint-every <n>', 'write a checkpoint every N steps').argParser(intOption(1)))
    .addOption(
      new Option('--checkpoint-minutes <m>', 'also write one every M minutes of wall-clock time (default 5)').argParser(
        numOption(),
      ),
    )
    .option('--no-pictures', 'skip the pictures')
    .addOption(
      new Option('--log-every <n>', 'print a log line every N steps (non-terminal output)')
        .argParser(intOption(1))
        .hideHelp(),
    )
    .addHelpText('after', TRAIN_HELP)
    .action(async (spec: string, opts: Record<string, unknown>) => {
      const { runTrain } = await import('./commands/train.js');
      done(await runTrain(io, spec, opts as never));
    });

  program
    .command('sample')
    .description('draw samples from a trained run: .png grid for images, .npy or .csv otherwise')
    .argument('<run>', 'run directory (or its checkpoint file, or a FlowIR file: the untrained model)')
    .requiredOption('-n, --n <count>', 'number of samples', intOption(1))
    .requiredOption('-o, --out <file>', 'output file: .png (images, or a 2-D scatter), .npy or .csv')
    .addOption(
      new Option('--temperature <t>', 'scale of the base noise (flows) or of the logits (autoregressive)')
        .argParser(numOption())
        .default(1),
    )
    .addOption(new Option('--seed <n>', 'sampling seed').argParser(intOption(0)).default(0))
    .addOption(
      new Option('--decode <mode>', 'categorical flows: each category by argmax of p(x|z), or drawn from it').choices([
        'argmax',
        'sample',
      ]),
    )
    .addOption(
      new Option(
        '--condition <y>',
        'a model with `condition y`: sample class y (default: the classes in turn)',
      ).argParser(numOption(false)),
    )
    .action(async (run: string, opts: Parameters<typeof import('./commands/sample.js').runSample>[2]) => {
      const { runSample } = await import('./commands/sample.js');
      done(await runSample(io, run, opts));
    });

  program
    .command('eval')
    .description('negative log-likelihood of data under a trained run: nats/example, and bits/dim for discrete data')
    .argument('<run>', 'run directory (or its checkpoint file)')
    .option(
      '--data <src>',
      'data source (toy:NAME, mnist, or a .csv/.npy/.idx file; see flowc train --help); ' +
        "default: the run's own test set (the spec's test:, or the rows its training held out)",
    )
    .option('--per-example <file>', 'write one log-probability (nats) per input row, in input order (.csv or .npy)')
    .addOption(
      new Option(
        '--batch <n>',
        'evaluation batch size (default: 256, fewer for models whose activations would not fit)',
      ).argParser(intOption(1)),
    )
    .addOption(
      new Option(
        '--iw-samples <k>',
        'draws of the importance-weighted estimate (VAEs and categorical flows; default 100)',
      ).argParser(intOption(1)),
    )
    .addOption(
      new Option(
        '--dequant-samples <k>',
        'dequantized flows: K noise samples per example; reports the ' +
          'dequantization bound (mean of K single-sample bounds) and the K-sample importance-weighted ' +
          'estimate (Flow++)',
      ).argParser(intOption(1)),
    )
    .option('--labels <file>', 'labels of a --data file, for a model with `condition y` (log p(x | y) is reported)')
    .option('--label-column <col>', 'the labels are column COL of the --data CSV (0-based index or header name)')
    .addOption(
      new Option(
        '--eval-ensemble <n>',
        'order/connectivity-agnostic MADE: average the probabilities of the first N' +
          " trained mask sets (default: the spec's ensemble)",
      ).argParser(intOption(1)),
    )
    .action(
      async (
        run: string,
        opts: {
          data?: string;
          labels?: string;
          labelColumn?: string;
          perExample?: string;
          batch?: number;
          iwSamples?: number;
          evalEnsemble?: number;
          dequantSamples?: number;
        },
      ) => {
        const { runEval } = await import('./commands/eval.js');
        done(await runEval(io, run, opts));
      },
    );

  registerFmt(program, io, done);
  registerLsp(program, done);
  registerInterpolate(program, io, done);
  registerExport(program, io, done);
  registerPlayground(program, io, done);
  registerData(program, io, done);
  registerHelp(program, io, done);

  for (const c of program.commands) {
    const ex = examplesText(c.name());
    if (ex) c.addHelpText('after', ex);
  }

  return program;
}

/** Runs the CLI on `argv` (without the node and script names) and returns the exit code. */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  if (argv.length === 0) {
    io.err(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return handleError(io, e);
  }
}

export function handleError(io: CliIO, e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2; // commander already printed the message
  }
  if (e instanceof Reported) return e.exitCode;
  if (e instanceof ConfigError) {
    io.err(`flowc: error: ${e.message} (flowc --help-env lists the settings)\n`);
    return 2;
  }
  const debug = debugging();
  if (e instanceof UserError || e instanceof DataError) {
    io.err(`flowc: error: ${e.message}\n`);
    if (debug) io.err(`${e.stack}\n`);
    return e instanceof UserError ? e.exitCode : 1;
  }
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (outOfMemory(e)) {
    io.err(
      `flowc: error: the ${backendName()} backend failed ` +
        `(${msg.replace(/\. Build with .*$/, '')}), most likely out of memory; try a smaller ` +
        `--batch${backendName() === 'cpu' ? '' : ', or FLOWC_BACKEND=cpu'}\n`,
    );
    if (debug && e instanceof Error) io.err(`${e.stack}\n`);
    return 1;
  }
  io.err(`flowc: internal error: ${msg}${debug ? '' : ' (set FLOWC_DEBUG=1 for a trace)'}\n`);
  if (debug && e instanceof Error) io.err(`${e.stack}\n`);
  return 1;
}

/** the messages of out-of-memory failures (wasm traps, allocation errors) */
const OUT_OF_MEMORY = new RegExp(
  [
    'memory access out of bounds',
    'table index is out of bounds',
    '^Aborted\\(',
    'Cannot enlarge memory',
    'Out of memory',
    'Array buffer allocation failed',
    'Invalid typed array length',
    'Invalid array length',
  ].join('|'),
  'i',
);

/**
 * The wasm backend's heap is bounded (32-bit addresses): a batch whose activations do not fit shows
 * up as a WebAssembly trap ("memory access out of bounds", "Aborted()") or an allocation failure,
 * not as a JS error a user could read. These are reported as out-of-memory with what to change.
 */
export function outOfMemory(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  const wasmTrap = typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
  return OUT_OF_MEMORY.test(msg) || (wasmTrap && /abort|memory/i.test(msg));
}

const backendName = () => activeBackend ?? 'TensorFlow.js';

/** the debug setting (false when the environment's settings are themselves invalid) */
function debugging(): boolean {
  try {
    return config().debug;
  } catch {
    return false;
  }
}
