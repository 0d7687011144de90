// Issue #17 (checker part): sizes are judged before anything of that size is allocated, proofs
// are bounded, chains are linear. Each reproducer runs the compiled `flowc check` in a child
// process and asserts the exit code, the diagnostic, no native stack dump or FC000, a time
// bound for a loaded 2-core machine and the child's peak RSS.
// FLOWC_LIMITS_BIN=<path to another bin/flowc.js> runs the same cases against another build.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useFreshDist } from '../support/dist.js';
import { renderDiagnostic } from '../../compiler/diagnostics/render.js';
import { LIMITS } from '../../compiler/limits.js';
import { CATALOGUE, checkSource } from '../../compiler/index.js';
import { analyzeArStack } from '../../compiler/proofs/pixelcnn.js';
import { checkFile } from '../../compiler/check/index.js';
import { parseFlow } from '../../grammar/parse.js';

useFreshDist(join('dist', 'compiler', 'limits.js'), ['compiler', 'grammar', 'cli']);

const BIN = process.env.FLOWC_LIMITS_BIN ?? join(ROOT, 'bin', 'flowc.js');
const DIR = mkdtempSync(join(tmpdir(), 'flowc-limits-'));
const MAX_SECONDS = 10;
const MAX_RSS_KB = 1024 * 1024;
/** prints the child's peak RSS (KiB) on exit */
const RSS_HOOK =
  'data:text/javascript,process.on("exit",()=>' +
  'process.stderr.write("\\nMAXRSS "+process.resourceUsage().maxRSS+"\\n"))';

interface Ran {
  code: number | null;
  signal: string | null;
  out: string;
  seconds: number;
  rssKb: number;
}

function check(name: string, text: string): Promise<Ran> {
  const file = join(DIR, `${name}.flow`);
  writeFileSync(file, text);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1' };
    const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, 'check', file], { env });
    let out = '';
    let tail = '';
    const take = (b: Buffer) => {
      if (out.length < 1 << 20) out += b;
      tail = (tail + b).slice(-4096);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3 * MAX_SECONDS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rss = /MAXRSS (\d+)/.exec(tail);
      resolve({ code, signal, out, seconds: (performance.now() - t0) / 1000, rssKb: rss ? Number(rss[1]) : Infinity });
    });
  });
}

/** exit code 1 with `code` reported, bounded time and memory, no internal error or native dump */
async function expectReported(
  name: string,
  text: string,
  code: string,
  exit = 1,
  maxSeconds = MAX_SECONDS,
): Promise<Ran> {
  const r = await check(name, text);
  const what = `${name}: exit ${r.code} ${r.signal ?? ''} in ${r.seconds.toFixed(1)} s\n${r.out.slice(0, 2000)}`;
  expect(r.signal, what).toBeNull();
  expect(r.code, what).toBe(exit);
  expect(r.out, what).toContain(code);
  expect(r.out, what).not.toContain('FC000');
  expect(r.out, what).not.toMatch(/Fatal|FATAL ERROR|Native stack trace|^\s+at .+:\d+:\d+\)?$/m);
  expect(r.seconds, what).toBeLessThan(maxSeconds);
  expect(r.rssKb, what).toBeLessThan(MAX_RSS_KB);
  return r;
}

const flowModel = (dim: string, body = 'coupling(affine, mask: alternate, net: mlp(64))') =>
  `model M {\n  data x: real[${dim}]\n  prior normal\n  flow { ${body} }\n}\n`;
const arModel = (data: string, conditional: string, likelihood = 'bernoulli') =>
  `model M {\n  data x: ${data}\n  conditional ${conditional}\n  likelihood ${likelihood}\n}\n`;
const chain = (n: number, first: string, line: (i: number) => string) =>
  [first, ...Array.from({ length: n - 1 }, (_, k) => line(k + 1))].join('\n') + '\n';

// the cases of these two groups are sub-second each: they run side by side
describe.concurrent('sizes are judged before they are allocated (FC905)', () => {
  it.each([
    ['1e8', '100000000'],
    ['2e8', '200000000'],
    ['4e8', '400000000'],
    ['2^32', '4294967296'],
    ['1e300', '1e300'],
  ])('real[%s] is reported, not built', async (name, dim) => {
    const r = await expectReported(`dim-${name}`, flowModel(dim), 'FC905');
    expect(r.out).toContain(`limit of ${LIMITS.elements.max}`);
  });

  it('binary[1, 11000, 11000] (raster order) is reported, not built', async () => {
    const text = arModel('binary[1, 11000, 11000]', 'pixelcnn { conv(mask: A, kernel: 3, channels: 8) }');
    await expectReported('image-11000', text, 'FC905');
  });
});

describe.concurrent('arguments past their limit skip the proofs (FC906)', () => {
  it.each([
    ['gated-layers-1e9', arModel('binary[1, 28, 28]', 'gated_pixelcnn(layers: 1000000000)'), 'layers'],
    ['rowlstm-layers-99999', arModel('binary[1, 28, 28]', 'pixelrnn(row_lstm, layers: 99999)'), 'layers'],
    [
      'conv-kernel-99999',
      arModel('binary[1, 28, 28]', 'pixelcnn { conv(mask: A, kernel: 99999, channels: 8) }'),
      'kernel',
    ],
    [
      'conv-kernel-1e9',
      arModel('binary[1, 28, 28]', 'pixelcnn { conv(mask: A, kernel: 1000000001, channels: 8) }'),
      'kernel',
    ],
    ['made-hidden-1e9', arModel('binary[784]', 'made(hidden: [1000000000, 500])'), 'width'],
    ['maf-hidden-1e9', flowModel('4', 'maf(hidden: [1000000000, 500])'), 'width'],
    ['iaf-hidden-1e9', flowModel('4', 'iaf(hidden: [1000000000, 500])'), 'width'],
    [
      'resnet-blocks-1e6',
      flowModel('1, 8, 8', 'coupling(affine, mask: checkerboard, net: resnet(blocks: 1000000))'),
      'blocks',
    ],
    [
      'resnet-blocks-1e7',
      flowModel('1, 8, 8', 'coupling(affine, mask: checkerboard, net: resnet(blocks: 10000000))'),
      'blocks',
    ],
  ] as const)('%s', async (name, text, limit) => {
    const r = await expectReported(name, text, 'FC906');
    expect(r.out).toContain(`limit of ${LIMITS[limit].max} ${LIMITS[limit].what}`);
  });
});

describe.concurrent('proofs that used to be slow are bounded', () => {
  it('gated_pixelcnn with 1000 layers (was 3.7 s at 10,000) proves quickly', async () => {
    const text = arModel('binary[1, 28, 28]', 'gated_pixelcnn(layers: 1000)');
    await expectReported('gated-1000', text, 'checked 1 file', 0);
  });

  it('pixelcnn_mnist with 64 input channels (was 73.5 s) checks in seconds, blind spot reported', async () => {
    const pixelcnn =
      'pixelcnn {\n    conv(mask: A, kernel: 7, channels: 32)\n' +
      '    repeat 5 { conv(mask: B, kernel: 3, channels: 32) }\n    conv(mask: B, kernel: 1, channels: 1)\n  }';
    const r = await expectReported('pixelcnn-64ch', arModel('binary[64, 28, 28]', pixelcnn), 'FC606', 0);
    expect(r.out).not.toContain('FC605');
  });

  it('3×64×64 with 15 layers checks in seconds', async () => {
    const pixelcnn =
      'pixelcnn {\n    conv(mask: A, kernel: 7, channels: 64)\n' +
      '    repeat 13 { conv(mask: B, kernel: 3, channels: 64, residual: true) }\n' +
      '    conv(mask: B, kernel: 1, channels: 64)\n  }';
    await expectReported('pixelcnn-3x64x64', arModel('discrete(256)[3, 64, 64]', pixelcnn, 'categorical'), 'FC606', 0);
  });

  it('a leak in a 64-channel stack is still found (first layer mask B)', async () => {
    const pixelcnn =
      'pixelcnn {\n    conv(mask: B, kernel: 7, channels: 32)\n' + '    conv(mask: B, kernel: 1, channels: 1)\n  }';
    await expectReported('pixelcnn-64ch-leak', arModel('binary[64, 28, 28]', pixelcnn), 'FC604');
  });

  it('the bounded field keeps the channel structure: R→G→B masks at 64 channels', () => {
    const img = { C: 64, H: 9, W: 9, channels: 'sequential' as const };
    const stack = (second: 'B' | 'none') => ({
      kind: 'pixelcnn' as const,
      layers: [
        { mask: 'A' as const, kernel: 3 },
        { mask: second, kernel: 3 },
      ],
    });
    const good = analyzeArStack(stack('B'), img);
    expect(good.ok).toBe(true);
    // group g sees channels < g of its own pixel, none at or after g
    expect(good.field[10]!.get(0, 0, 9)).toBe(true);
    expect(good.field[10]!.get(0, 0, 10)).toBe(false);
    const bad = analyzeArStack(stack('none'), img);
    expect(bad.ok).toBe(false);
    expect(bad.violation!.layer).toBe(2);
  });
});

describe('large legal models are bounded too', () => {
  it('made(hidden: [600000], random connectivity): its degrees are not spread into Math.min (was FC000)', async () => {
    const text = arModel('binary[784]', 'made(hidden: [600000], connectivity: random(1))');
    await expectReported('made-wide-random', text, 'FC902', 0);
  });

  it('an absurd model (FC901) is not proved further: made on 3×1024×1024', async () => {
    const text = arModel('binary[3, 1024, 1024]', 'made(hidden: [500])');
    const r = await expectReported('made-3x1024x1024', text, 'FC901');
    expect(r.out).not.toMatch(/FC60\d/);
  });

  it('couplings on 3×512×512 share their masks and check in seconds', async () => {
    const body = 'repeat 8 { coupling(affine, mask: checkerboard, net: resnet(blocks: 2), flip: true) }';
    await expectReported('coupling-3x512x512', flowModel('3, 512, 512', body), 'checked 1 file', 0);
  });

  it('layers × elements past the limit stop the flow (FC907) before masks are built per layer', async () => {
    const body = 'repeat 64 { coupling(affine, mask: checkerboard, net: resnet(blocks: 2), flip: true) }';
    const r = await expectReported('coupling-3x1024x1024-x64', flowModel('3, 1024, 1024', body), 'FC907');
    expect(r.out).toContain(`${LIMITS.flowWork.max} ${LIMITS.flowWork.what}`);
  });
});

describe('MADE proofs on many dimensions', () => {
  it('literal masks over 20,000 inputs that leak: one witness, no D×D relation', async () => {
    const D = 20_000;
    const hidden = `[${Array.from({ length: D }, () => '1').join(', ')}]`;
    const output = `[${Array.from({ length: D }, () => '[1]').join(', ')}]`;
    const text = arModel(`binary[${D}]`, `made(masks: [[${hidden}], ${output}])`);
    const r = await expectReported('made-literal-20000', text, 'FC602');
    expect(r.out).toContain('x[19999] reaches p(x[0])');
  });
});

describe('orders', () => {
  it('a 3-entry order on 10⁶ dimensions lists 8 missing values and counts the rest', async () => {
    const text =
      'model M {\n  data x: real[1000000]\n  order [0, 1, 2]\n  prior normal\n' +
      '  flow { coupling(affine, mask: alternate, net: mlp(8)) }\n}\n';
    const r = await expectReported('order-3-of-1e6', text, 'FC601');
    expect(r.out).toContain('missing 3, 4, 5, 6, 7, 8, 9, 10, … (999997 values)');
  });
});

describe('chains are linear and never overflow the stack', () => {
  it('100,000 chained lets (was 38 s): the checker takes well under a second of it', async () => {
    const text = chain(100_000, 'let a0 = 4', (i) => `let a${i} = a${i - 1}`) + flowModel('a99999');
    // parsing the 2 MB file alone takes ~5 s here (the parser's part); the bound covers both
    await expectReported('lets-100k', text, 'checked 1 file', 0, 2 * MAX_SECONDS);
    const parsed = parseFlow(text, 'lets.flow');
    const t0 = performance.now();
    const r = checkFile(parsed.value!);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.models[0]!.data!.shape).toEqual([4]);
  });

  it('2,000 chained lets inside repeat 4096 (was 39 s)', async () => {
    const text =
      chain(2000, 'let b0 = 8', (i) => `let b${i} = b${i - 1}`) +
      flowModel('4', 'repeat 4096 { coupling(affine, mask: alternate, net: mlp(b1999)) }');
    await expectReported('lets-2000-repeat', text, 'checked 1 file', 0);
  });

  it('3,000 chained masks (was FC000 stack overflow), `!` counted along the chain', async () => {
    const text =
      chain(3000, 'mask m0 = alternate', (i) => `mask m${i} = ${i === 1500 ? '!' : ''}m${i - 1}`) +
      flowModel('4', 'coupling(affine, mask: m2999, net: mlp(8))');
    await expectReported('masks-3000', text, 'checked 1 file', 0);
    const r = checkSource(text, 'masks.flow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.models[0]!.flow![0]!.mask).toEqual([0, 1, 0, 1]); // alternate, complemented once
  });

  it('5,000 masks alternating with lets (`mask m1 = a1`, `let a1 = !m0`; was FC000) are followed in one loop', () => {
    const lines = ['mask m0 = alternate'];
    for (let i = 1; i < 5000; i++) lines.push(`let a${i} = !m${i - 1}`, `mask m${i} = a${i}`);
    const text = `${lines.join('\n')}\n${flowModel('4', 'coupling(affine, mask: m4999, net: mlp(8))')}`;
    const r = checkSource(text, 'alternating.flow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.models[0]!.flow![0]!.mask).toEqual([0, 1, 0, 1]); // 4999 complements of alternate
  });

  it('a cycle through a long mask chain is reported as recursive', () => {
    const text =
      chain(500, 'mask m0 = m499', (i) => `mask m${i} = m${i - 1}`) +
      flowModel('4', 'coupling(affine, mask: m10, net: mlp(8))');
    const codes = checkSource(text, 'cycle.flow').diagnostics.map((d) => d.code);
    expect(codes).toContain('FC216');
    expect(codes).not.toContain('FC000');
  });

  it('nested repeats that expand to nothing stop at the expansion limit (FC907)', async () => {
    const text = flowModel('4', 'repeat 4096 { repeat 4096 { repeat 4096 { bogus_layer } } }');
    await expectReported('nested-repeat', text, 'FC907');
  });

  it('nested repeats inside a conditional block stop at the layer limit (FC312)', async () => {
    const block = 'pixelcnn { repeat 4096 { repeat 4096 { conv(mask: B, kernel: 3, channels: 8) } } }';
    const text = arModel('binary[1, 8, 8]', block);
    await expectReported('nested-repeat-block', text, 'FC312');
  });
});

describe('the renderer clips long lines around the span', () => {
  it('a 300 KB one-line file with 5000 diagnostics prints a bounded snippet for each', async () => {
    const layer = 'coupling(affine, mask: alternate, net: mlp(64), bogus: 1)';
    const body = Array.from({ length: 5000 }, () => layer).join('; ');
    const text = `model M { data x: real[4]; prior normal; flow { ${body} } }\n`;
    expect(text.length).toBeGreaterThan(290_000);
    const r = await expectReported('one-line', text, 'FC202');
    // ≤ 2·80 columns of context, the span and the message per diagnostic (was the whole 300 KB line each)
    expect(r.out.length).toBeLessThan(5000 * 600);
  });

  it('keeps ±80 columns around the span with an ellipsis, and the caret under the span', () => {
    const line = `${'a'.repeat(1000)}BAD${'b'.repeat(1000)}`;
    const start = line.indexOf('BAD');
    const out = renderDiagnostic(
      { code: 'FC202', severity: 'error', message: 'm', span: { file: 'f.flow', start, end: start + 3 } },
      new Map([['f.flow', line]]),
      { color: false },
    );
    const [src, carets] = out.split('\n').slice(2, 4) as [string, string];
    expect(src).toBe(` 1 | …${'a'.repeat(80)}BAD${'b'.repeat(80)}…`);
    expect(carets.indexOf('^')).toBe(src.indexOf('BAD'));
    expect(carets).toMatch(/^ {3}\| +\^\^\^$/);
  });
});

describe('the limit codes are in the catalogue with hints', () => {
  it.each(['FC905', 'FC906', 'FC907', 'FC908'])('%s', (code) => {
    const def = CATALOGUE.get(code);
    expect(def?.hint?.({} as never)).toBeTruthy();
  });
});
