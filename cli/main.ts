// Entry point of the `flowc` binary (bin/flowc.js imports the compiled dist/cli/main.js).
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
