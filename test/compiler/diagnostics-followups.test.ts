// Diagnostics that help (issue #13, item 11): the syntax error first and alone, "did you mean" for every
// kind of name, one YAML error per mistake, `flip` outside `repeat`, and FC511 shown by check only.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/index.js';
import { compileSpec } from '../../cli/spec.js';
import type { CliIO } from '../../cli/io.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const model = (body: string) => `model A {\n  ${body.split('\n').join('\n  ')}\n}\n`;
const errors = (text: string, file = 'a.flow') =>
  checkSource(text, file).diagnostics.filter((d) => d.severity === 'error');
const yamlModel = (lines: string) => `models:\n  A:\n    data: { x: "real[4]" }\n    prior: normal\n${lines}\n`;

describe('after a syntax error', () => {
  it('the syntax error comes first and the model it broke is not reported as incomplete', () => {
    const ds = errors(model('priro normal\ndata x: real[2]\nflow { actnorm }'));
    expect(ds.map((d) => d.code)).toEqual(['FC115']);
    expect(ds[0]!.hint).toContain('did you mean `prior`?');
  });

  it('a let lost to a syntax error is not reported again where it is used', () => {
    const text =
      'let w =\n' + model('data x: real[2]\nprior normal\nflow { coupling(affine, mask: half, net: mlp(w)) }');
    expect(errors(text).map((d) => d.code)).toEqual(['FC117']);
  });

  it('a name glued to a number (toy(8gaussians)) is one syntax error showing the string form', () => {
    const ds = errors(model('data x: real[2]\nprior normal\nflow { actnorm }\ntrain { data: toy(8gaussians) }'));
    expect(ds.map((d) => d.code)).toEqual(['FC129']);
    expect(ds[0]!.message).toContain('"8gaussians"');
  });
});

describe('did you mean', () => {
  const hintOf = (text: string, code: string, file = 'a.flow') =>
    checkSource(text, file).diagnostics.find((d) => d.code === code)?.hint;

  it('a layer name that is the start of one: invconv → invconv1x1', () => {
    const text = model('data x: real[2]\nprior normal\nflow { invconv }');
    expect(hintOf(text, 'FC201')).toContain('did you mean `invconv1x1`?');
  });
  it('a misspelt flag: normal(lerned) → learned', () => {
    const text = model('data x: real[2]\nprior normal(lerned)\nflow { actnorm }');
    expect(hintOf(text, 'FC207')).toContain('did you mean `learned`?');
  });
  it('a misspelt top-level keyword: modle → model', () => {
    expect(hintOf('modle A {\n}\n', 'FC114')).toContain('did you mean `model`?');
  });
  it('a YAML key with two letters swapped: scael → scale', () => {
    const text = yamlModel(
      '    flow:\n      - coupling: { type: affine, mask: alternate, net: { mlp: [8] }, ' + 'scael: tanh }',
    );
    expect(hintOf(text, 'FC151', 'a.flow.yaml')).toBe("did you mean 'scale'?");
  });
  it('a toy name given as a data source shows the forms of a data source', () => {
    const hint = hintOf(model('data x: real[2]\nprior normal\nflow { actnorm }\ntrain { data: moons }'), 'FC201');
    expect(hint).toContain('did you mean `toy(moons)`?');
    for (const form of ['toy(moons)', 'idx("…")', 'csv("…")', 'npy("…")', 'mnist(']) expect(hint).toContain(form);
  });
});

describe('one YAML mistake, one error', () => {
  const yamlErrors = (flow: string) => errors(yamlModel(`    flow: [ ${flow} ]`), 'a.flow.yaml');

  it("positional values beyond the kind's: one schema error, no follow-on checker errors", () => {
    const ds = yamlErrors('{ coupling: [affine, alternate] }');
    expect(ds.map((d) => d.code)).toEqual(['FC158']);
    expect(ds[0]!.message).toContain("'coupling' takes 1 positional value");
  });
  it('a number where an enum goes: the enum error only', () => {
    const ds = yamlErrors('{ coupling: { type: affine, mask: alternate, net: { mlp: [8] }, scale: 3 } }');
    expect(ds.map((d) => d.code)).toEqual(['FC154']);
  });
  it('a call mapping with a second key: one error at the mapping', () => {
    const ds = yamlErrors('{ coupling: { mask: alternate, net: { mlp: [8], activation: relu } } }');
    expect(ds.map((d) => d.code)).toEqual(['FC161']);
  });
  it('a misspelt model key: no "model has no flow" beside it', () => {
    const ds = errors(yamlModel('    flo: [ actnorm ]'), 'a.flow.yaml');
    expect(ds.map((d) => d.code)).toEqual(['FC151']);
  });
});

describe('flip: true', () => {
  const flip = (flow: string) =>
    checkSource(model(`data x: real[4]\nprior normal\nflow {\n  ${flow}\n}`), 'a.flow').diagnostics;
  it('outside repeat is a warning at the flip argument', () => {
    const ds = flip('coupling(affine, mask: half, flip: true, net: mlp(8))').filter((d) => d.code === 'FC313');
    expect(ds).toHaveLength(1);
    expect(ds[0]!.severity).toBe('warning');
  });
  it('inside repeat (or false) is not', () => {
    const inside = flip('repeat 2 { coupling(affine, mask: half, flip: true, net: mlp(8)) }');
    expect(inside.some((d) => d.code === 'FC313')).toBe(false);
    expect(flip('coupling(affine, mask: half, flip: false, net: mlp(8))').some((d) => d.code === 'FC313')).toBe(false);
  });
});

describe('FC511 (a MAF samples sequentially)', () => {
  const maf = model('data x: real[2]\nprior normal\nflow { maf(hidden: [8]) }');
  it('is reported by check', () => {
    const d = checkSource(maf, 'maf.flow').diagnostics.find((x) => x.code === 'FC511');
    expect(d?.checkOnly).toBe(true);
  });
  it('is not repeated by the commands that compile (train, explain, compile)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowc-fc511-')), 'maf.flow');
    writeFileSync(file, maf);
    let err = '';
    const io: CliIO = { out: () => {}, err: (t) => void (err += t), isTTY: false, color: false };
    const ir = await compileSpec(io, file);
    expect(ir.model).toBe('A');
    expect(err).not.toContain('FC511');
  });
});
