// flowc lsp [--stdio]: the language server over stdio (editors/server). It never loads
// TensorFlow.js. The client's `exit` notification ends the process.
import type { Command } from 'commander';

/** Starts the server on stdin/stdout; the returned promise settles only when stdin closes. */
export async function runLsp(): Promise<number> {
  const { runStdioServer } = await import('../../editors/server/main.js');
  runStdioServer();
  return new Promise<number>((resolve) => process.stdin.on('close', () => resolve(0)));
}

/** Adds `lsp` to the flowc program. Editors pass transport flags (--stdio, --clientProcessId=N): accepted. */
export function register(
  program: Command,
  done: (code: number) => void = (c) => {
    process.exitCode = c;
  },
): void {
  program
    .command('lsp')
    .description('run the .flow language server over stdio (for editors: VS Code, Neovim, ...)')
    .option('--stdio', 'communicate over stdin/stdout (the default and only transport)')
    .allowUnknownOption(true)
    .action(async () => done(await runLsp()));
}
