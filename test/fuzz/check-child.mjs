// The fuzz tests' checker process: `checkSource` of the compiled compiler (dist/), one case per
// IPC message. Running it in a child lets a test report the input that crashes V8 or hangs the
// checker (and go on with a fresh child) instead of losing the test runner with it.
import { checkSource } from '../../dist/compiler/index.js';

process.on('message', (m) => {
  const t0 = performance.now();
  const { diagnostics } = checkSource(m.text, m.file);
  process.send({
    id: m.id,
    ms: performance.now() - t0,
    diagnostics: diagnostics.map((d) => ({
      code: d.code,
      message: d.message,
      span: { start: d.span.start, end: d.span.end },
      related: (d.related ?? []).map((r) => ({ span: { start: r.span.start, end: r.span.end } })),
    })),
  });
});
process.on('disconnect', () => process.exit(0));
