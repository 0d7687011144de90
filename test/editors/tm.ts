// Tokenizes .flow text with the extension's TextMate grammar, using vscode-textmate and the
// oniguruma wasm from node_modules (the same engine VS Code runs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
export const GRAMMAR_PATH = fileURLToPath(
  new URL('../../editors/vscode/syntaxes/flow.tmLanguage.json', import.meta.url),
);

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName !== 'source.flow') return null;
        return vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      },
    });
    const g = await registry.loadGrammar('source.flow');
    if (!g) throw new Error('grammar source.flow did not load');
    return g;
  })();
  return grammarPromise;
}

export interface Tok {
  line: number;
  text: string;
  scope: string;
}

/** Tokens of every line; `scope` is the innermost scope (the one a theme colours), whitespace-only tokens dropped. */
export async function tokenize(text: string): Promise<Tok[]> {
  const g = await loadGrammar();
  const out: Tok[] = [];
  let state = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (!s.trim()) continue;
      out.push({ line: i + 1, text: s.trim(), scope: t.scopes[t.scopes.length - 1]! });
    }
    state = r.ruleStack;
  });
  return out;
}

/** The golden-file form: one token per line, `LINE  text  scope`. */
export function renderTokens(toks: Tok[]): string {
  return toks.map((t) => `${t.line}\t${t.text}\t${t.scope}`).join('\n') + '\n';
}
