// `flowc lsp` entry: the language server over stdio. Also runnable directly after `npm run build`:
//   node dist/editors/server/main.js --stdio
// Nothing here (or below) imports runtime/ or TensorFlow.js; test/editors checks the import graph.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { pathToFileURL } from 'node:url';
import { checkedFraming } from './framing.js';
import { startServer, type ServerOptions } from './server.js';

/**
 * Runs the server on this process's stdin/stdout until the client sends `exit`. Input that breaks
 * the protocol's framing (a missing or malformed Content-Length) is logged and ends the process
 * with exit code 1, so the editor restarts the server instead of it waiting forever.
 */
export function runStdioServer(options: ServerOptions = {}): void {
  // stdout carries the protocol: anything logged by mistake must go to stderr instead
  console.log = console.error;
  const input = process.stdin.pipe(
    checkedFraming((why) => {
      process.stderr.write(`flowc-lsp: malformed input from the client: ${why}; exiting\n`);
      process.exit(1);
    }),
  );
  const connection = createConnection(ProposedFeatures.all, input, process.stdout);
  startServer(connection, options);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) runStdioServer();
