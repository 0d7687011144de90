// Inputs shared by the editor tests: the LANGUAGE.md examples and the spec library.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LANGUAGE_MD = '/work/shared/design/LANGUAGE.md';

/** the ```flow blocks of LANGUAGE.md (empty when the design folder is absent) */
export function languageExamples(): { name: string; text: string }[] {
  if (!existsSync(LANGUAGE_MD)) return [];
  const md = readFileSync(LANGUAGE_MD, 'utf8');
  return [...md.matchAll(/```flow\n([\s\S]*?)```/g)].map((m, i) => ({ name: `LANGUAGE.md#${i + 1}`, text: m[1]! }));
}

/** specs/*.flow of the model library */
export function specFiles(): { name: string; text: string }[] {
  const dir = ROOT + 'specs';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.flow'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(`${dir}/${f}`, 'utf8') }));
}

export const TWO_MOONS = `// two_moons.flow — RealNVP (Dinh et al.) on 2-D data
let width = 64

model TwoMoons {
  data x: real[2]
  prior normal                       // standard normal base density

  flow {
    repeat 8 {
      coupling(affine, mask: alternate, flip: true, net: mlp(width, width), scale: tanh)
    }
  }
  train { data: toy(moons, noise: 0.05), batch: 512, steps: 5000, optimizer: adam(lr: 1e-3) }
}
`;

/** ~300 lines: ten RealNVP-style models written out layer by layer, with comments */
export function spec300(): string {
  const lines: string[] = ['// 300-line benchmark spec', 'let width = 32', ''];
  for (let m = 0; lines.length < 290; m++) {
    lines.push(
      `// model ${m}: affine couplings with alternating masks`,
      `model Bench${m} {`,
      '  data x: real[4]',
      '  prior normal',
      '  flow {',
    );
    for (let k = 0; k < 10; k++) {
      lines.push(`    coupling(affine, mask: ${k % 2 ? '!' : ''}alternate, net: mlp(width, width), scale: tanh)`);
      if (k % 3 === 2) lines.push('    permute(reverse)');
    }
    lines.push('  }', '  train { data: toy(moons), batch: 256, steps: 100 }', '}', '');
  }
  return lines.join('\n');
}
