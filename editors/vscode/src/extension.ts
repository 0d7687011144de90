// The VS Code client: starts `flowc lsp --stdio` for .flow documents. Everything else (checks,
// hover, completion, definition, outline, formatting) comes from the server; highlighting comes
// from syntaxes/flow.tmLanguage.json and *.flow.yaml validation from flow.schema.json (through
// the YAML extension's `yamlValidation` support). Type-checked with this folder's tsconfig (not the
// root one) and bundled with vscode-languageclient into out/extension.js by esbuild (npm run compile).
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** how the server is started (exported for the test that starts it the same way) */
export function serverOptions(): ServerOptions {
  const cfg = vscode.workspace.getConfiguration('flowc');
  const command = cfg.get<string>('server.command', 'flowc');
  const args = [...cfg.get<string[]>('server.args', []), 'lsp'];
  // TransportKind.stdio appends --stdio, which `flowc lsp` accepts
  return {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio, options: { env: { ...process.env, FLOWC_DEBUG: '1' } } },
  };
}

const clientOptions: LanguageClientOptions = {
  documentSelector: [
    { scheme: 'file', language: 'flow' },
    { scheme: 'untitled', language: 'flow' },
  ],
  outputChannelName: 'flowc',
};

async function start(): Promise<void> {
  client = new LanguageClient('flowc', 'flowc language server', serverOptions(), clientOptions);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('flowc.restartServer', async () => {
      await client?.stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('flowc.server')) {
        await client?.stop();
        await start();
      }
    }),
  );
  try {
    await start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `flowc: could not start the language server (${(e as Error).message}). Set "flowc.server.command" to your ` +
        `flowc executable.`,
    );
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
