// `.flow` highlighting for CodeMirror from the TextMate grammar the VS Code extension ships
// (editors/vscode/syntaxes/flow.tmLanguage.json): its patterns, tried in its order at each position, and its
// scope names mapped to CodeMirror's highlighting tags. Block comments and strings (begin/end rules) carry
// their state across lines.
import { StreamLanguage, type StringStream } from '@codemirror/language';
import grammar from '../editors/vscode/syntaxes/flow.tmLanguage.json' with { type: 'json' };

interface Rule {
  match?: string;
  name?: string;
  captures?: Record<string, { name: string }>;
  begin?: string;
  end?: string;
  patterns?: Rule[];
  include?: string;
}
interface Compiled {
  re: RegExp;
  name?: string;
  captures?: Record<string, { name: string }>;
}

/** TextMate scope → a CodeMirror token name (@lezer/highlight's standard tags) */
function styleOf(scope: string | undefined): string | null {
  if (!scope) return null;
  const table: [string, string][] = [
    ['comment', 'comment'],
    ['string', 'string'],
    ['constant.numeric', 'number'],
    ['constant.language', 'atom'],
    ['storage.type', 'keyword'],
    ['keyword.operator', 'operator'],
    ['keyword', 'keyword'],
    ['entity.name.type', 'typeName'],
    ['entity.name.function', 'variableName.function'],
    ['support.function', 'variableName.standard'],
    ['support.type', 'typeName'],
    ['support.constant', 'atom'],
    ['variable.parameter', 'propertyName'],
    ['variable.other.constant', 'variableName.definition'],
    ['variable.other.declaration', 'variableName.definition'],
    ['punctuation', 'punctuation'],
  ];
  for (const [prefix, style] of table) if (scope.startsWith(prefix)) return style;
  return null;
}

const repo = (grammar as { repository: Record<string, Rule> }).repository;

/** the grammar's single-line rules, flattened in the order the top level includes them */
function flatten(rules: Rule[], out: Compiled[] = []): Compiled[] {
  for (const r of rules) {
    if (r.include) flatten([repo[r.include.slice(1)]!], out);
    else if (r.patterns && !r.begin) flatten(r.patterns, out);
    else if (r.match) out.push({ re: new RegExp(r.match, 'yd'), name: r.name, captures: r.captures });
  }
  return out;
}
const RULES = flatten((grammar as { patterns: Rule[] }).patterns);

interface State {
  inComment: boolean;
  inString: boolean;
  pending: { len: number; style: string | null }[];
}

function token(stream: StringStream, state: State): string | null {
  const p = state.pending.shift();
  if (p) {
    stream.pos += p.len;
    return p.style;
  }
  if (state.inComment) {
    if (stream.skipTo('*/')) {
      stream.pos += 2;
      state.inComment = false;
    } else stream.skipToEnd();
    return 'comment';
  }
  if (state.inString) {
    while (!stream.eol()) {
      const c = stream.next();
      if (c === '\\') stream.next();
      else if (c === '"') break;
    }
    state.inString = false;
    return 'string';
  }
  if (stream.eatSpace()) return null;
  if (stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.match('/*')) {
    state.inComment = true;
    return 'comment';
  }
  if (stream.match('"')) {
    state.inString = true;
    return 'string';
  }
  const line = stream.string;
  for (const rule of RULES) {
    rule.re.lastIndex = stream.pos;
    const m = rule.re.exec(line);
    if (!m || m[0].length === 0) continue;
    if (!rule.captures) {
      stream.pos += m[0].length;
      return styleOf(rule.name);
    }
    // captured groups get their own styles, the text between them none
    const segs: { len: number; style: string | null }[] = [];
    let at = stream.pos;
    const ind = (m as RegExpExecArray & { indices: ([number, number] | undefined)[] }).indices;
    for (let g = 1; g < ind.length; g++) {
      const span = ind[g];
      if (!span || span[1] <= span[0]) continue;
      if (span[0] > at) segs.push({ len: span[0] - at, style: null });
      segs.push({ len: span[1] - span[0], style: styleOf(rule.captures[String(g)]?.name) });
      at = span[1];
    }
    const end = stream.pos + m[0].length;
    if (end > at) segs.push({ len: end - at, style: null });
    const first = segs.shift()!;
    state.pending = segs;
    stream.pos += first.len;
    return first.style;
  }
  stream.next();
  return null;
}

export const flowLanguage = StreamLanguage.define<State>({
  name: 'flow',
  startState: () => ({ inComment: false, inString: false, pending: [] }),
  copyState: (s) => ({ ...s, pending: [...s.pending] }),
  token,
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
});
