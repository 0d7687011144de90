// Diagnostics latency on a 300-line spec: (a) the compiler passes alone (what an edit costs the
// server), (b) an edit's full round trip: didChange → check → publishDiagnostics over JSON-RPC
// (debounce set to 0 here; editors add the 100 ms debounce on top), with the analysis in the worker
// thread as `flowc lsp` runs it, and in the server's thread for comparison.
//   npx vitest bench --run test/editors/latency.bench.ts
import { bench, describe } from 'vitest';
import { analyze } from '../../editors/server/analysis.js';
import type { ServerOptions } from '../../editors/server/server.js';
import { inProcessClient } from './client.js';
import { spec300 } from './fixtures.js';

const text = spec300();
let n = 0;

describe(`300-line spec (${text.split('\n').length} lines)`, () => {
  bench(
    'compiler passes per edit (checkSource via analyze)',
    () => {
      n++;
      analyze('file:///bench.flow', n, n % 2 ? text : text.replace('width = 32', 'width = 33'));
    },
    { iterations: 40, time: 3000 },
  );

  roundTrip('didChange → publishDiagnostics round trip (analysis worker, as flowc lsp)', {});
  roundTrip('the same with the analysis in the server thread (no budget)', { isolate: false });
});

function roundTrip(name: string, options: ServerOptions): void {
  const c = inProcessClient({ debounceMs: 0, ...options });
  const uri = 'file:///bench/rt.flow';
  let version = 1;
  let ready: Promise<void> | undefined;
  bench(
    name,
    async () => {
      ready ??= (async () => {
        await c.initialize();
        const d = c.diagnostics(uri);
        await c.open(uri, text);
        await d;
      })();
      await ready;
      version++;
      const d = c.diagnostics(uri, (p) => p.version === version);
      await c.rpc.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text: version % 2 ? text : text.replace('width = 32', 'width = 33') }],
      });
      await d;
    },
    { iterations: 40, time: 3000 },
  );
}
