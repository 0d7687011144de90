// The AST of a .flow (or .flow.yaml) file. Every node carries a source span.
// Both front ends (grammar/parser.ts for .flow, grammar/yaml.ts for .flow.yaml) produce
// exactly these nodes; test/grammar compares them with spans stripped.

export interface Span {
  file: string;
  /** offset of the first character (UTF-16 code units, as JS strings index) */
  start: number;
  /** offset one past the last character */
  end: number;
}

export interface Name {
  text: string;
  span: Span;
}

// ---------- expressions ----------
export interface NumberLit {
  kind: 'number';
  value: number;
  raw: string;
  span: Span;
}
export interface StringLit {
  kind: 'string';
  value: string;
  span: Span;
}
export interface BoolLit {
  kind: 'bool';
  value: boolean;
  span: Span;
}
/** A bare identifier in argument position: a `let` name, a mask name, or a keyword value like `tanh`. */
export interface IdentExpr {
  kind: 'ident';
  name: string;
  span: Span;
}
export interface ListExpr {
  kind: 'list';
  items: Expr[];
  span: Span;
}
/** `!expr`: the complement of a mask. */
export interface NotExpr {
  kind: 'not';
  operand: Expr;
  span: Span;
}
/**
 * `name(positional, key: value) { nested }`. In statement/slot position a bare name
 * (`squeeze`, `prior normal`) is a CallExpr with `parens: false` and no args.
 */
export interface CallExpr {
  kind: 'call';
  callee: Name;
  args: Arg[];
  parens: boolean;
  /** nested block, e.g. `pixelcnn { conv(...) }`, `dequantize(variational) { ... }` */
  body?: LayerStmt[];
  span: Span;
}
export type Expr = NumberLit | StringLit | BoolLit | IdentExpr | ListExpr | NotExpr | CallExpr;

/** A call argument: positional when `name` is absent. */
export interface Arg {
  name?: Name;
  value: Expr;
  span: Span;
}

// ---------- layer statements (inside flow / conditional / posterior / nested blocks) ----------
export interface RepeatStmt {
  kind: 'repeat';
  count: Expr;
  body: LayerStmt[];
  span: Span;
}
export interface LevelStmt {
  kind: 'level';
  args: Arg[];
  body: LayerStmt[];
  span: Span;
}
export type LayerStmt = CallExpr | RepeatStmt | LevelStmt;

// ---------- declarations ----------
/** `real[2]`, `binary[784]`, `discrete(256)[1, 28, 28]`, `categorical(10)[5]` */
export interface TypeExpr {
  kind: 'type';
  domain: Name;
  domainArgs: Arg[];
  shape: Expr[];
  span: Span;
}

/** `data x: real[2]` / `latent z: real[40]` / `condition y: categorical(10)` */
export interface VarDecl {
  kind: 'data' | 'latent' | 'condition';
  name: Name;
  type: TypeExpr;
  span: Span;
}
/** `order natural`, `order [2, 0, 3, 1]`, `order raster(channels: sequential)` */
export interface OrderDecl {
  kind: 'order';
  value: Expr;
  span: Span;
}
/** `mask cb = checkerboard`, `mask m = [1, 0, 0, 1]` (top level or inside a model) */
export interface MaskDecl {
  kind: 'mask';
  name: Name;
  value: Expr;
  span: Span;
}
/**
 * `prior normal`, `likelihood bernoulli`, `conditional made(...)`, `encoder mlp(400, 400)`,
 * `target energy(u1)` (an unnormalized 2-D energy fitted by reverse KL, as in Rezende & Mohamed)
 */
export interface SlotDecl {
  kind: 'prior' | 'likelihood' | 'conditional' | 'encoder' | 'decoder' | 'target';
  value: CallExpr;
  span: Span;
}
/** `flow { ... }` or `flow(amortized: true) { ... }` */
export interface FlowBlock {
  kind: 'flow';
  args: Arg[];
  body: LayerStmt[];
  span: Span;
}
/** `posterior flow(amortized: true) { repeat 16 { planar } }` or `posterior gaussian` */
export interface PosteriorDecl {
  kind: 'posterior';
  value: FlowBlock | CallExpr;
  span: Span;
}
/** `train { data: toy(moons), batch: 512, steps: 5000 }`: entries are named args */
export interface TrainBlock {
  kind: 'train';
  entries: Arg[];
  span: Span;
}

export type ModelStmt = VarDecl | OrderDecl | MaskDecl | SlotDecl | FlowBlock | PosteriorDecl | TrainBlock;

/** `let width = 64` */
export interface LetDecl {
  kind: 'let';
  name: Name;
  value: Expr;
  span: Span;
}
export interface ModelDecl {
  kind: 'model';
  name: Name;
  body: ModelStmt[];
  span: Span;
}
export type TopLevel = LetDecl | MaskDecl | ModelDecl;

export interface Comment {
  text: string;
  span: Span;
}

export interface FileNode {
  kind: 'file';
  items: TopLevel[];
  /** line and block comments in source order (the formatter keeps them) */
  comments: Comment[];
  span: Span;
}

export type AnyNode = FileNode | TopLevel | ModelStmt | LayerStmt | Expr | Arg | TypeExpr;
