// Formatter regression: a comment the printer cannot place (between `)` and `{`) is hoisted above
// its statement; when the statement placed an earlier comment inside itself (in its argument
// list), hoisting only the later one reordered them and the formatter refused (FMT001).
import { describe, expect, it } from 'vitest';
import { formatFlow } from '../../grammar/format.js';
import { parseFlow } from '../../grammar/parse.js';

const comments = (text: string): string[] =>
  parseFlow(text, 'x.flow').value.comments.map((c) => text.slice(c.span.start, c.span.end));

describe('comments the printer cannot place', () => {
  const src = `model /* c2 */ V {
  data x: binary[4]
  latent z: real[2]
  prior normal
  encoder mlp(8)
  posterior flow(amortized: /* c1 */ true) /* c0 */ { repeat 2 { planar } }   // trailing
  decoder mlp(8)
  likelihood bernoulli
}
`;
  it('keeps every comment, in source order, and is idempotent', () => {
    const r = formatFlow(src, 'x.flow');
    expect(r.diagnostics.map((d) => d.code)).toEqual([]);
    expect(comments(r.text)).toEqual(['/* c2 */', '/* c1 */', '/* c0 */', '// trailing']);
    expect(r.text).toContain('  /* c1 */\n  /* c0 */\n  posterior flow(amortized: true) { repeat 2 { planar } }');
    expect(formatFlow(r.text, 'x.flow').text).toBe(r.text);
  });
});
