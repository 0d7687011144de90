// Entry point of the `flowc` binary (bin/flowc.js imports the compiled dist/cli/main.js).
import { runCli } from './program.js';

// `flowc ... | head` closes our stdout early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2));
