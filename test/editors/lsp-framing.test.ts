// Issue #17 item 6: input that breaks the LSP framing (a missing or malformed Content-Length, a
// header that never ends) makes `flowc lsp` log the problem and exit 1, so that the editor
// restarts it (vscode-jsonrpc alone waits silently until stdin closes). Valid traffic split at
// any byte passes the checker unchanged.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { FramingChecker } from '../../editors/server/framing.js';
import { useFreshDist } from '../support/dist.js';
import { ROOT } from './fixtures.js';

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('FramingChecker', () => {
  test('accepts valid messages split at every byte, with extra headers and multi-byte content', () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { text: 'é ∂ 𝔛' } });
    const typed = `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame(body)}`;
    const stream = Buffer.from(frame(body) + typed);
    for (let cut = 0; cut <= stream.length; cut++) {
      const c = new FramingChecker();
      expect(c.push(stream.subarray(0, cut))).toBeUndefined();
      expect(c.push(stream.subarray(cut))).toBeUndefined();
    }
  });

  test.each([
    ['no Content-Length', 'Content-Type: x\r\n\r\n{}', /without Content-Length/],
    ['a word for a length', 'Content-Length: abc\r\n\r\n{}', /malformed Content-Length "abc"/],
    ['a negative length', 'Content-Length: -5\r\n\r\n{}', /malformed Content-Length/],
    ['a line that is no header', '{"jsonrpc":"2.0"}\r\n\r\n', /malformed header line/],
    ['a huge length', 'Content-Length: 99999999999\r\n\r\n', /over the limit/],
    ['a header that never ends', 'Content-Length: 2\r\n' + 'X-Pad: y\r\n'.repeat(3000), /no end of the message header/],
  ])('refuses %s', (_name, input, why) => {
    expect(new FramingChecker().push(Buffer.from(input))).toMatch(why);
  });
});

describe('flowc lsp on malformed input', () => {
  useFreshDist('dist/editors/server/framing.js', ['editors/server', 'cli']);

  type Ran = { code: number | null; stderr: string; ms: number };
  const run = (input: string): Promise<Ran> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [ROOT + 'bin/flowc.js', 'lsp', '--stdio'], { cwd: ROOT, stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += String(b)));
      const kill = setTimeout(() => child.kill(), 30_000);
      child.on('exit', (code) => {
        clearTimeout(kill);
        resolve({ code, stderr, ms: performance.now() - t0 });
      });
      // a valid request first, then the bad bytes; stdin stays open (as an editor keeps it)
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } };
      child.stdin.write(frame(JSON.stringify(init)));
      child.stdin.write(input);
    });

  test.each([
    ['a malformed Content-Length', 'Content-Length: twelve\r\n\r\n{}', /malformed Content-Length/],
    ['a missing Content-Length', 'Content-Type: application/json\r\n\r\n{}', /without Content-Length/],
  ])(
    '%s: logged, exit code 1, while stdin is still open',
    async (_name, input, why) => {
      const r = await run(input);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toMatch(/^flowc-lsp: malformed input from the client/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.ms).toBeLessThan(25_000);
    },
    60_000,
  );
});
