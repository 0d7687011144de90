// Every example in the commands' --help texts runs (in a scratch folder holding a copy of specs/, in
// help order, training for a few steps), so the examples never rot; and `flowc help` answers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, useFreshDist } from '../support/dist.js';
import { useFreshPlayground } from '../support/playground.js';
import { flowc } from './helpers.js';

useFreshDist('dist/cli/main.js', ['compiler', 'grammar', 'runtime', 'cli']);
useFreshPlayground(); // `flowc playground --build` copies the bundle

const scratch = mkdtempSync(join(tmpdir(), 'flowc-examples-'));
cpSync(join(ROOT, 'specs'), join(scratch, 'specs'), { recursive: true });
writeFileSync(join(scratch, 'lsp-session.bin'), lspSession());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function commandNames(): Promise<string[]> {
  const top = (await flowc('--help')).out;
  const section = top.slice(top.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!);
}

async function examplesOf(command: string): Promise<string[]> {
  const help = (await flowc(command, '--help')).out;
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  return help
    .slice(at)
    .split('\n')
    .slice(2)
    .filter((l) => l.startsWith('  flowc '))
    .map((l) => l.trim());
}

/** tiny settings: a few steps instead of the spec's (or the example's) length, no pictures */
function tiny(example: string): string {
  if (!/^flowc train /.test(example)) return example;
  let e = example.replace(/--steps (\d+)/, (_, n) => `--steps ${Math.max(2, Math.ceil(Number(n) / 1000))}`);
  e = e.replace(/--epochs \d+/, '--steps 2');
  if (!/--steps /.test(e)) e += ' --steps 2';
  return `${e} --no-pictures`;
}

/** an editor's session: initialize, shutdown, exit */
function lspSession(): string {
  const msgs = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } },
    { jsonrpc: '2.0', method: 'initialized', params: {} },
    { jsonrpc: '2.0', id: 2, method: 'shutdown' },
    { jsonrpc: '2.0', method: 'exit' },
  ];
  return msgs
    .map((m) => {
      const b = JSON.stringify(m);
      return `Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    })
    .join('');
}

describe('the examples of every --help', () => {
  it('every command has examples, and each one runs and exits 0', async () => {
    const names = await commandNames();
    expect(names).toEqual(expect.arrayContaining(['check', 'train', 'sample', 'eval', 'export', 'help', 'fmt']));
    const bin = join(ROOT, 'bin', 'flowc.js');
    const env = { ...process.env, FLOWC_BACKEND: 'cpu', FLOWC_WORKERS: '0', NO_COLOR: '1' };
    const failed: string[] = [];
    let ran = 0;
    for (const name of names) {
      const examples = await examplesOf(name);
      if (examples.length === 0) failed.push(`${name}: no examples in --help`);
      for (const example of examples) {
        let cmd = tiny(example).replace(/^flowc /, `"${process.execPath}" "${bin}" `);
        // an editor keeps the pipe open while the session runs
        if (name === 'lsp') cmd = `(cat lsp-session.bin; sleep 2) | ${cmd}`;
        const opts = { cwd: scratch, env, encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 26 } as const;
        const r = spawnSync('sh', ['-c', cmd], opts);
        ran++;
        const tail = (r.stderr || r.stdout).split('\n').slice(-4).join(' | ');
        if (r.status !== 0) failed.push(`${example} → exit ${r.status}: ${tail}`);
      }
    }
    expect(failed).toEqual([]);
    expect(ran).toBeGreaterThanOrEqual(names.length);
    const written = [
      'runs/two_moons/checkpoint.ckpt',
      'exported/two_moons/model.json',
      'samples.png',
      'logp.csv',
      'flow.schema.json',
    ];
    for (const f of written) {
      expect(existsSync(join(scratch, f)), f).toBe(true);
    }
  }, 600_000);
});

describe('flowc help', () => {
  it('prints one kind with its arguments, types, defaults and example', async () => {
    const r = await flowc('help', 'coupling');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| `scale` \| exp \\\| sigmoid \\\| tanh \| `tanh` \|/);
    expect(r.out).toContain('coupling(affine, mask: alternate');
  });

  it('yaml prints the YAML form the hints of YAML errors point at', async () => {
    const r = await flowc('help', 'yaml');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# The YAML form/);
  });

  it('a command name gives its --help with the examples', async () => {
    const r = await flowc('help', 'export');
    expect(r.out).toContain('Usage: flowc export');
    expect(r.out).toContain('Examples:');
  });

  it('an unknown topic is a usage error with a suggestion, no trace', async () => {
    const r = await flowc('help', 'invconv');
    expect(r.code).toBe(2);
    expect(r.err).toContain("did you mean 'invconv1x1'?");
  });
});
