// toFlowYaml: an AST as *.flow.yaml text (the inverse of grammar/yaml-map.ts), in YAML flow
// style for values. Used by the round-trip tests and for converting .flow files to YAML.
// Limits (the YAML form's, see docs/YAML_FORM.md): statements of one kind in a model are grouped
// under one key, lets/masks/models are grouped per kind, positional arguments come first.
import type * as A from './ast.js';

const YAML_WORDS = /^(true|false|null|True|False|TRUE|FALSE|Null|NULL|y|n|yes|no|on|off)$/;

function flowExpr(e: A.Expr): string {
  switch (e.kind) {
    case 'number':
      return e.raw;
    case 'string':
      return JSON.stringify(e.value);
    case 'bool':
      return String(e.value);
    case 'ident':
      return e.name;
    case 'list':
      return `[${e.items.map(flowExpr).join(', ')}]`;
    case 'not':
      return `!${flowExpr(e.operand)}`;
    case 'call': {
      const args = e.args.map((a) => (a.name ? `${a.name.text}: ` : '') + flowExpr(a.value)).join(', ');
      return `${e.callee.text}${e.parens ? `(${args})` : ''}`;
    }
  }
}

/** a type as its .flow text, e.g. discrete(256)[1, 28, 28] */
export function typeText(t: A.TypeExpr): string {
  const args = t.domainArgs.length
    ? `(${t.domainArgs.map((a) => (a.name ? `${a.name.text}: ` : '') + flowExpr(a.value)).join(', ')})`
    : '';
  return `${t.domain.text}${args}${t.shape.length ? `[${t.shape.map(flowExpr).join(', ')}]` : ''}`;
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !YAML_WORDS.test(k) ? k : JSON.stringify(k);
}

function expr(e: A.Expr): string {
  switch (e.kind) {
    case 'number':
      return e.raw;
    case 'string':
      return JSON.stringify(e.value);
    case 'bool':
      return String(e.value);
    case 'ident':
      return e.name;
    case 'list':
      return `[${e.items.map(expr).join(', ')}]`;
    case 'not':
      return `{not: ${expr(e.operand)}}`;
    case 'call':
      return `{${key(e.callee.text)}: ${callArgs(e.args, e.parens, e.body)}}`;
  }
}

function callArgs(args: A.Arg[], parens: boolean, body?: A.LayerStmt[]): string {
  const pos = args.filter((a) => !a.name);
  const named = args.filter((a) => a.name);
  if (!parens && !body) return 'null';
  if (!body && named.length === 0 && pos.length > 0) return `[${pos.map((a) => expr(a.value)).join(', ')}]`;
  const parts: string[] = [];
  if (pos.length || (parens && args.length === 0 && body))
    parts.push(`_: [${pos.map((a) => expr(a.value)).join(', ')}]`);
  for (const a of named) parts.push(`${key(a.name!.text)}: ${expr(a.value)}`);
  if (body) parts.push(`body: ${layers(body)}`);
  return `{${parts.join(', ')}}`;
}

function layer(l: A.LayerStmt): string {
  if (l.kind === 'repeat') return `{repeat: ${expr(l.count)}, body: ${layers(l.body)}}`;
  if (l.kind === 'level') return `{level: ${l.args.length ? callArgs(l.args, true, l.body) : layers(l.body)}}`;
  return stmtCall(l);
}

const layers = (ls: A.LayerStmt[]): string => `[${ls.map(layer).join(', ')}]`;

function stmtCall(c: A.CallExpr): string {
  return !c.parens && !c.body && c.args.length === 0 ? key(c.callee.text) : expr(c);
}

function flowBlock(f: A.FlowBlock): string {
  return f.args.length ? callArgs(f.args, true, f.body) : layers(f.body);
}

/** the statements of a model, consecutive declarations of one kind grouped under one key */
function modelLines(m: A.ModelDecl, ind: string): string[] {
  const out: string[] = [];
  let group: string | undefined;
  for (const s of m.body) {
    const grouped = s.kind === 'data' || s.kind === 'latent' || s.kind === 'condition' || s.kind === 'mask';
    if (grouped) {
      if (group !== s.kind) out.push(`${ind}${s.kind}:`);
      group = s.kind;
    } else group = undefined;
    switch (s.kind) {
      case 'data':
      case 'latent':
      case 'condition':
        out.push(`${ind}  ${key(s.name.text)}: ${JSON.stringify(typeText(s.type))}`);
        break;
      case 'mask':
        out.push(`${ind}  ${key(s.name.text)}: ${expr(s.value)}`);
        break;
      case 'order':
        out.push(`${ind}order: ${expr(s.value)}`);
        break;
      case 'flow':
        out.push(`${ind}flow: ${flowBlock(s)}`);
        break;
      case 'posterior':
        out.push(`${ind}posterior: ${s.value.kind === 'flow' ? `{flow: ${flowBlock(s.value)}}` : stmtCall(s.value)}`);
        break;
      case 'train':
        out.push(`${ind}train: {${s.entries.map((e) => `${key(e.name?.text ?? '_')}: ${expr(e.value)}`).join(', ')}}`);
        break;
      default:
        out.push(`${ind}${s.kind}: ${stmtCall(s.value)}`);
    }
  }
  return out;
}

export function toFlowYaml(file: A.FileNode): string {
  const lines: string[] = [];
  const lets = file.items.filter((i): i is A.LetDecl => i.kind === 'let');
  const masks = file.items.filter((i): i is A.MaskDecl => i.kind === 'mask');
  const models = file.items.filter((i): i is A.ModelDecl => i.kind === 'model');
  if (lets.length) lines.push('let:', ...lets.map((l) => `  ${key(l.name.text)}: ${expr(l.value)}`));
  if (masks.length) lines.push('mask:', ...masks.map((l) => `  ${key(l.name.text)}: ${expr(l.value)}`));
  if (models.length) {
    lines.push('models:');
    for (const m of models) lines.push(`  ${key(m.name.text)}:${m.body.length ? '' : ' {}'}`, ...modelLines(m, '    '));
  }
  return `${lines.join('\n')}\n`;
}
