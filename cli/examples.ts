// The examples each command's --help ends with. test/cli/help-examples.test.ts runs every one of them
// (in a scratch folder holding specs/, in this order, training with few steps), so they never rot:
// later examples may use what earlier ones wrote (runs/two_moons).
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  check: ['flowc check specs/*.flow', 'flowc check specs/two_moons.flow.yaml --format json'],
  explain: ['flowc explain specs/two_moons.flow', 'flowc explain specs/realnvp_mnist.flow --json'],
  compile: [
    'flowc compile specs/two_moons.flow -o build',
    'flowc compile specs/two_moons.flow --dump-ir',
    'flowc compile specs/glow_mnist.flow --target pytorch -o glow_torch',
  ],
  schema: ['flowc schema > flow.schema.json'],
  fmt: ['flowc fmt specs/two_moons.flow', 'flowc fmt --check specs/*.flow', 'flowc fmt --write specs/two_moons.flow'],
  train: [
    'flowc train specs/two_moons.flow --out runs/two_moons',
    "flowc train specs/two_moons.flow --data 'toy:circles?n=4096' --steps 2000 --out runs/circles",
    'flowc train specs/two_moons.flow --out runs/circles --resume --steps 4000',
    'flowc train specs/made_mnist.flow --data mnist:binarized --epochs 1 --batch 100',
  ],
  sample: [
    'flowc sample runs/two_moons -n 500 -o samples.png',
    'flowc sample runs/two_moons -n 1000 --temperature 0.8 -o samples.npy',
  ],
  eval: ["flowc eval runs/two_moons --data 'toy:moons?n=2000&seed=7' --per-example logp.csv"],
  interpolate: ['flowc interpolate runs/two_moons --data toy:moons -o interpolation.png --pairs 3 --slerp'],
  export: [
    'flowc export runs/two_moons -o exported/two_moons',
    'flowc export runs/two_moons --target pytorch -o exported/two_moons_torch',
  ],
  data: [
    'flowc data export mnist:binarized -o mnist_binarized.npy',
    'flowc data export toy:moons -o moons.npy --held-out',
  ],
  help: ['flowc help language', 'flowc help coupling', 'flowc help FC201', 'flowc help train', 'flowc help yaml'],
  lsp: ['flowc lsp --stdio'],
  playground: ['flowc playground --build site'],
};

/** the text commander prints after a command's options */
export const examplesText = (command: string): string | undefined =>
  EXAMPLES[command] ? `\nExamples:\n${EXAMPLES[command]!.map((e) => `  ${e}`).join('\n')}` : undefined;
