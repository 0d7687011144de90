// A minimal LSP client for the tests: JSON-RPC (vscode-jsonrpc) over a pair of streams, either to
// the server running in this process (PassThrough streams) or to a child process's stdio.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node.js';
import { createConnection } from 'vscode-languageserver/node.js';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startServer, type ServerOptions } from '../../editors/server/server.js';

export class Client {
  readonly published: PublishDiagnosticsParams[] = [];
  /** errors the server logged (its request handlers catch and log instead of failing) */
  readonly errors: string[] = [];
  private waiters: {
    pred: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  private versions = new Map<string, number>();

  constructor(readonly rpc: MessageConnection) {
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    rpc.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) this.errors.push(p.message); // MessageType.Error: a handler threw
    });
    rpc.listen();
  }

  /** the next diagnostics for `uri` (optionally of a version) satisfying `pred` */
  diagnostics(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pred: (p) => p.uri === uri && pred(p),
        resolve: (p) => {
          clearTimeout(t);
          resolve(p.diagnostics);
        },
      });
    });
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }> {
    const r = await this.rpc.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await this.rpc.sendNotification('initialized', {});
    return r as never;
  }

  open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    return this.rpc.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'flow', version: 1, text },
    });
  }

  /** replaces the whole text (a full-document change); returns the new version */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** an incremental edit replacing a range */
  async edit(uri: string, range: { start: Pos; end: Pos }, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return version;
  }

  request<R = any>(method: string, uri: string, position?: Pos, extra: Record<string, unknown> = {}): Promise<R> {
    return this.rpc.sendRequest(method, {
      textDocument: { uri },
      ...(position ? { position } : {}),
      ...extra,
    }) as Promise<R>;
  }

  async shutdown(): Promise<unknown> {
    return this.rpc.sendRequest('shutdown');
  }

  dispose(): void {
    this.rpc.dispose();
  }
}

export interface Pos {
  line: number;
  character: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** the compiled analysis worker: a worker thread runs JavaScript, not these TypeScript sources */
export const DIST_WORKER = new URL('../../dist/editors/server/worker.js', import.meta.url);

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

let distChecked = false;
/** rebuilds dist/ when the worker is missing or older than a source it runs */
export function ensureDistWorker(): URL {
  if (distChecked) return DIST_WORKER;
  distChecked = true;
  const file = fileURLToPath(DIST_WORKER);
  const src = Math.max(...['grammar', 'compiler', 'editors/server'].map((d) => newest(join(ROOT, d))));
  if (!existsSync(file) || statSync(file).mtimeMs < src) {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  }
  return DIST_WORKER;
}

/**
 * The server in this process over PassThrough streams (the same JSON-RPC framing as stdio), its
 * analysis in the compiled worker as in `flowc lsp` (options.workerUrl overrides it).
 */
export function inProcessClient(options: ServerOptions = {}): Client {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConn = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConn, { workerUrl: ensureDistWorker(), ...options });
  return new Client(createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)));
}

export function streamClient(stdout: Readable, stdin: Writable): Client {
  return new Client(createMessageConnection(new StreamMessageReader(stdout), new StreamMessageWriter(stdin)));
}

/** 0-based position of the `nth` occurrence of `needle` in `text` (plus `delta` characters) */
export function posOf(text: string, needle: string, delta = 0, nth = 0): Pos {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' not found`);
  }
  const off = at + delta;
  const before = text.slice(0, off);
  const line = before.split('\n').length - 1;
  return { line, character: off - (before.lastIndexOf('\n') + 1) };
}
