// Catalogue of the front ends' diagnostics: FC101..FC149 for the .flow syntax, FC150..FC199 for
// the YAML form. Messages speak the user's terms (never chevrotain token-type names).
import type { DiagnosticDef } from './diagnostic.js';
import { suggest } from './suggest.js';

const def = <P>(d: DiagnosticDef<P>): DiagnosticDef<P> => d;

const STATEMENTS =
  'data, latent, condition, order, mask, prior, likelihood, conditional, encoder, decoder, target, flow, ' +
  'posterior, train';

/** "did you mean `prior`?" when the token found (`'priro'`) is a misspelt keyword */
const misspelt = (found: string, keywords: string): string | undefined => {
  const word = /^'([A-Za-z_]\w*)'$/.exec(found)?.[1];
  const s = word ? suggest(word, keywords.split(', ')) : undefined;
  return s ? `did you mean \`${s}\`?` : undefined;
};

// ---------- lexical ----------
export const UnexpectedCharacter = def<{ text: string }>({
  code: 'FC101',
  severity: 'error',
  title: 'unexpected character',
  message: (p) => `unexpected character ${JSON.stringify(p.text)}`,
  hint: (p) =>
    p.text.startsWith('-') || p.text.startsWith('+')
      ? 'a sign must be written directly before a number, e.g. -1'
      : '.flow files use names, numbers, strings, [lists], calls name(...) and the punctuation { } ( ) [ ] , : = ! ;',
});
export const UnterminatedBlockComment = def<Record<string, never>>({
  code: 'FC102',
  severity: 'error',
  title: 'unterminated block comment',
  message: () => "block comment '/*' is never closed",
  hint: () => "close the comment with '*/' (block comments do not nest)",
});
export const UnterminatedString = def<Record<string, never>>({
  code: 'FC103',
  severity: 'error',
  title: 'unterminated string',
  message: () => 'string is not closed before the end of the line',
  hint: () => 'add the closing quote; strings cannot span lines (use \\n for a newline)',
});
export const BadNumber = def<{ raw: string }>({
  code: 'FC104',
  severity: 'error',
  title: 'number out of range',
  message: (p) => `number ${p.raw} is not a finite number`,
  hint: () => 'use a number within double-precision range, e.g. 1e-3 or 2.5E+4',
});
export const BidiControl = def<{ where: string; codepoint: string }>({
  code: 'FC105',
  severity: 'warning',
  title: 'bidirectional control character',
  message: (p) => `bidirectional control character ${p.codepoint} in ${p.where}`,
  hint: () => 'it can make the text display in a different order than it is parsed ("Trojan Source"); remove it',
});

// ---------- syntax ----------
export const UnexpectedToken = def<{ found: string; expected: string; context?: string }>({
  code: 'FC110',
  severity: 'error',
  title: 'unexpected token',
  message: (p) => `expected ${p.expected}${p.context ? ` ${p.context}` : ''}, found ${p.found}`,
  hint: () => 'check the punctuation around this point; `flowc help language` (docs/LANGUAGE.md) shows the forms',
});
export const NameStartsWithDigit = def<{ text: string }>({
  code: 'FC129',
  severity: 'error',
  title: 'a name starting with a digit',
  message: (p) => `${p.text} is not a name (a name starts with a letter or '_'): write it as a string, "${p.text}"`,
  hint: (p) => `write one of the words that start with a digit as a string: "${p.text}" (e.g. toy("8gaussians"))`,
});
export const MissingCloseBrace = def<{ owner: string; line: number; col: number; found: string }>({
  code: 'FC111',
  severity: 'error',
  title: "missing '}'",
  message: (p) => `expected '}' to close ${p.owner} opened at ${p.line}:${p.col}, found ${p.found}`,
  hint: () => "add the missing '}' (every '{' needs a matching '}')",
});
export const MissingCloseParen = def<{ owner: string; found: string }>({
  code: 'FC112',
  severity: 'error',
  title: "missing ')'",
  message: (p) => `expected ')' to close the argument list of ${p.owner}, found ${p.found}`,
  hint: () => "separate arguments with ',' and close the list with ')'",
});
export const MissingCloseBracket = def<{ found: string }>({
  code: 'FC113',
  severity: 'error',
  title: "missing ']'",
  message: (p) => `expected ']' to close the list, found ${p.found}`,
  hint: () => "separate list items with ',' and close the list with ']'",
});
export const ExpectedTopLevel = def<{ found: string }>({
  code: 'FC114',
  severity: 'error',
  title: 'expected a top-level item',
  message: (p) => `expected 'model', 'let' or 'mask' at the top level, found ${p.found}`,
  hint: (p) =>
    `${misspelt(p.found, 'model, let, mask')?.concat(' ') ?? ''}` +
    'a file holds `let name = value`, `mask name = value` and `model Name { ... }` items',
});
export const ExpectedModelStatement = def<{ found: string }>({
  code: 'FC115',
  severity: 'error',
  title: 'expected a model declaration',
  message: (p) => `expected a declaration (${STATEMENTS}) in the model body, found ${p.found}`,
  hint: (p) =>
    misspelt(p.found, STATEMENTS) ??
    'layers go inside `flow { ... }`; a model body holds declarations such as `data x: real[2]` or `prior normal`',
});
export const ExpectedLayer = def<{ found: string; block: string }>({
  code: 'FC116',
  severity: 'error',
  title: 'expected a layer',
  message: (p) => `expected a layer call, 'repeat' or 'level' in ${p.block}, found ${p.found}`,
  hint: () => 'write one layer per line, e.g. `coupling(affine, mask: alternate)` or `repeat 4 { ... }`',
});
export const ExpectedValue = def<{ found: string; context?: string }>({
  code: 'FC117',
  severity: 'error',
  title: 'expected a value',
  message: (p) => `expected a value${p.context ? ` ${p.context}` : ''}, found ${p.found}`,
  hint: () => 'a value is a number, a string, true/false, a name, a call like mlp(64, 64), a list [1, 0], or !mask',
});
export const ExpectedName = def<{ after: string; found: string }>({
  code: 'FC118',
  severity: 'error',
  title: 'expected a name',
  message: (p) => `expected a name after ${p.after}, found ${p.found}`,
  hint: () => 'names start with a letter or _ and continue with letters, digits or _',
});
export const ExpectedType = def<{ found: string }>({
  code: 'FC119',
  severity: 'error',
  title: 'expected a type',
  message: (p) => `expected a type such as real[2] or discrete(256)[1, 28, 28], found ${p.found}`,
  hint: () => 'a type is a domain (real, binary, categorical(K), discrete(K)) followed by a shape in [ ]',
});
export const SameLineStatements = def<{ what: string }>({
  code: 'FC120',
  severity: 'error',
  title: 'statements on one line',
  message: (p) => `${p.what} must start on a new line or after ';'`,
  hint: () => "put each statement on its own line, or separate statements on one line with ';'",
});
export const UnexpectedEnd = def<{ expected: string }>({
  code: 'FC121',
  severity: 'error',
  title: 'unexpected end of file',
  message: (p) => `unexpected end of file; expected ${p.expected}`,
  hint: () => "the file ends in the middle of a construct; is a '}' or ')' missing?",
});
export const RepeatCount = def<{ found: string }>({
  code: 'FC122',
  severity: 'error',
  title: 'expected a repeat count',
  message: (p) => `expected a count (a number or a let name) after 'repeat', found ${p.found}`,
  hint: () => 'write `repeat 8 { ... }`',
});
export const ExpectedBlock = def<{ owner: string; found: string }>({
  code: 'FC123',
  severity: 'error',
  title: "expected '{'",
  message: (p) => `expected '{' to open the body of ${p.owner}, found ${p.found}`,
  hint: () => 'blocks are written `name { ... }`',
});
export const ExpectedColon = def<{ what: string; found: string }>({
  code: 'FC124',
  severity: 'error',
  title: "expected ':'",
  message: (p) => `expected ':' ${p.what}, found ${p.found}`,
  hint: () => 'named values are written `name: value`, declarations `data x: real[2]`',
});
export const ExpectedEquals = def<{ what: string; found: string }>({
  code: 'FC125',
  severity: 'error',
  title: "expected '='",
  message: (p) => `expected '=' ${p.what}, found ${p.found}`,
  hint: () => 'write `let name = value` or `mask name = value`',
});
export const TooDeep = def<{ limit: number }>({
  code: 'FC126',
  severity: 'error',
  title: 'nesting too deep',
  message: (p) => `brackets, braces or '!' are nested more than ${p.limit} levels deep here`,
  hint: () => 'no model needs this much nesting; is a closing bracket missing?',
});
export const TooManyErrors = def<{ limit: number; more?: number }>({
  code: 'FC127',
  severity: 'error',
  title: 'too many syntax errors',
  message: (p) =>
    p.more === undefined
      ? `parsing stopped after ${p.limit} syntax errors; the rest of the file is not checked`
      : `${p.more} more syntax errors after the first ${p.limit} are not shown`,
  hint: () => 'fix the first errors (one mistake often causes many); is this a .flow file?',
});
export const RecoveryLimit = def<{ limit: number }>({
  code: 'FC128',
  severity: 'error',
  title: 'too many errors in a row',
  message: (p) => `the parser gave up here after recovering from ${p.limit} errors in a row`,
  hint: () => 'fix the errors before this point (one mistake often causes many); is this a .flow file?',
});
export const InternalParserError = def<{ detail: string }>({
  code: 'FC149',
  severity: 'error',
  title: 'internal parser error',
  message: (p) => `the parser failed unexpectedly: ${p.detail}`,
  hint: () => 'this is a bug in flowc; please report it with the file that triggers it',
});

// ---------- YAML form ----------
export const YamlSyntax = def<{ detail: string }>({
  code: 'FC150',
  severity: 'error',
  title: 'YAML syntax error',
  message: (p) => `YAML syntax error: ${p.detail}`,
  hint: () => 'check indentation and quoting; values containing [ ] { } , : # need quotes inside { } or [ ]',
});
export const YamlUnknownKey = def<{ key: string; where: string; suggestion?: string; allowed: string[] }>({
  code: 'FC151',
  severity: 'error',
  title: 'unknown key',
  message: (p) => `unknown key '${p.key}' in ${p.where}`,
  hint: (p) =>
    p.suggestion
      ? `did you mean '${p.suggestion}'?`
      : p.allowed.length
        ? `allowed keys: ${p.allowed.join(', ')}`
        : undefined,
});
export const YamlUnknownKind = def<{ name: string; where: string; suggestion?: string }>({
  code: 'FC152',
  severity: 'error',
  title: 'unknown kind',
  message: (p) => `unknown kind '${p.name}' in ${p.where}`,
  hint: (p) => (p.suggestion ? `did you mean '${p.suggestion}'?` : '`flowc schema` lists the kinds each place accepts'),
});
export const YamlMissingKey = def<{ key: string; where: string }>({
  code: 'FC153',
  severity: 'error',
  title: 'missing key',
  message: (p) => `missing required key '${p.key}' in ${p.where}`,
  hint: (p) => `add \`${p.key}: ...\``,
});
export const YamlBadValue = def<{ found: string; allowed: string[]; suggestion?: string }>({
  code: 'FC154',
  severity: 'error',
  title: 'value not allowed',
  message: (p) => `${p.found} is not allowed here`,
  hint: (p) => `${p.suggestion ? `did you mean ${p.suggestion}? ` : ''}allowed values: ${p.allowed.join(', ')}`,
});
export const YamlWrongType = def<{ expected: string; found: string }>({
  code: 'FC155',
  severity: 'error',
  title: 'wrong type',
  message: (p) => `expected ${p.expected}, found ${p.found}`,
  hint: () => '`flowc help yaml` (docs/YAML_FORM.md) shows how each construct is written in YAML',
});
export const YamlOutOfRange = def<{ detail: string }>({
  code: 'FC156',
  severity: 'error',
  title: 'value out of range',
  message: (p) => `value ${p.detail}`,
  hint: () => 'change the value to lie within the allowed range',
});
export const YamlBadType = def<{ text: string }>({
  code: 'FC157',
  severity: 'error',
  title: 'invalid data type',
  message: (p) => `invalid type ${JSON.stringify(p.text)}`,
  hint: () => 'write a domain and a shape, e.g. "real[2]", "binary[784]" or "discrete(256)[1, 28, 28]"',
});
export const YamlSchema = def<{ detail: string }>({
  code: 'FC158',
  severity: 'error',
  title: 'schema violation',
  message: (p) => `this value does not fit the schema: ${p.detail}`,
  hint: () => '`flowc schema` prints the JSON Schema of the YAML form',
});
export const YamlNotMapping = def<{ what: string; found: string }>({
  code: 'FC159',
  severity: 'error',
  title: 'expected a mapping',
  message: (p) => `expected ${p.what}, found ${p.found}`,
  hint: () => '`flowc help yaml` (docs/YAML_FORM.md) shows the shape of a .flow.yaml file',
});
export const YamlUnsupported = def<{ feature: string }>({
  code: 'FC160',
  severity: 'error',
  title: 'unsupported YAML feature',
  message: (p) => `${p.feature} is not supported in .flow.yaml files`,
  hint: () => 'write the value out in full',
});
export const YamlBadExpression = def<{ detail: string }>({
  code: 'FC161',
  severity: 'error',
  title: 'invalid expression',
  message: (p) => `invalid value: ${p.detail}`,
  hint: () => 'a call is a mapping with one key, e.g. { mlp: [64, 64] }; a complement is { not: cb }',
});
export const YamlWarning = def<{ detail: string }>({
  code: 'FC162',
  severity: 'warning',
  title: 'YAML warning',
  message: (p) => `YAML: ${p.detail}`,
  hint: () => undefined,
});

// ---------- front-end limits (FC99x, beside the checker's size limits FC9xx) ----------
export const FileTooLarge = def<{ bytes: number; limit: number }>({
  code: 'FC990',
  severity: 'error',
  title: 'file too large',
  message: (p) =>
    `the file is ${p.bytes.toLocaleString('en-US')} bytes; ` +
    `specs are limited to ${p.limit.toLocaleString('en-US')} bytes`,
  hint: () => 'a spec describes a model, not its data: move large literal lists into a data file',
});
export const YamlTooDeep = def<{ limit: number }>({
  code: 'FC991',
  severity: 'error',
  title: 'YAML nested too deep',
  message: (p) => `YAML collections are nested more than ${p.limit} levels deep here`,
  hint: () => 'no model needs this much nesting; check the indentation and the brackets',
});

export const SYNTAX_CODES: readonly DiagnosticDef[] = [
  UnexpectedCharacter,
  UnterminatedBlockComment,
  UnterminatedString,
  BadNumber,
  BidiControl,
  UnexpectedToken,
  NameStartsWithDigit,
  MissingCloseBrace,
  MissingCloseParen,
  MissingCloseBracket,
  ExpectedTopLevel,
  ExpectedModelStatement,
  ExpectedLayer,
  ExpectedValue,
  ExpectedName,
  ExpectedType,
  SameLineStatements,
  UnexpectedEnd,
  RepeatCount,
  ExpectedBlock,
  ExpectedColon,
  ExpectedEquals,
  TooDeep,
  TooManyErrors,
  RecoveryLimit,
  InternalParserError,
  YamlSyntax,
  YamlUnknownKey,
  YamlUnknownKind,
  YamlMissingKey,
  YamlBadValue,
  YamlWrongType,
  YamlOutOfRange,
  YamlBadType,
  YamlSchema,
  YamlNotMapping,
  YamlUnsupported,
  YamlBadExpression,
  YamlWarning,
  FileTooLarge,
  YamlTooDeep,
];
