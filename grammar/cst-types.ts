// GENERATED from grammar/parser.ts by chevrotain generateCstDts (see test/grammar/cst-types.test.ts,
// which fails when this file is out of date). Do not edit by hand.
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  topItem?: TopItemCstNode[];
};

export interface TopItemCstNode extends CstNode {
  name: "topItem";
  children: TopItemCstChildren;
}

export type TopItemCstChildren = {
  letDecl?: LetDeclCstNode[];
  maskDecl?: MaskDeclCstNode[];
  modelDecl?: ModelDeclCstNode[];
  Semicolon?: IToken[];
};

export interface LetDeclCstNode extends CstNode {
  name: "letDecl";
  children: LetDeclCstChildren;
}

export type LetDeclCstChildren = {
  Let: IToken[];
  Name: IToken[];
  Equals: IToken[];
  expr: ExprCstNode[];
};

export interface MaskDeclCstNode extends CstNode {
  name: "maskDecl";
  children: MaskDeclCstChildren;
}

export type MaskDeclCstChildren = {
  Mask: IToken[];
  Name: IToken[];
  Equals: IToken[];
  expr: ExprCstNode[];
};

export interface ModelDeclCstNode extends CstNode {
  name: "modelDecl";
  children: ModelDeclCstChildren;
}

export type ModelDeclCstChildren = {
  Model: IToken[];
  Name: IToken[];
  LCurly: IToken[];
  modelStmt?: ModelStmtCstNode[];
  Semicolon?: IToken[];
  RCurly: IToken[];
};

export interface ModelStmtCstNode extends CstNode {
  name: "modelStmt";
  children: ModelStmtCstChildren;
}

export type ModelStmtCstChildren = {
  varDecl?: VarDeclCstNode[];
  orderDecl?: OrderDeclCstNode[];
  maskDecl?: MaskDeclCstNode[];
  slotDecl?: SlotDeclCstNode[];
  flowBlock?: FlowBlockCstNode[];
  posteriorDecl?: PosteriorDeclCstNode[];
  trainBlock?: TrainBlockCstNode[];
};

export interface VarDeclCstNode extends CstNode {
  name: "varDecl";
  children: VarDeclCstChildren;
}

export type VarDeclCstChildren = {
  Data?: IToken[];
  Latent?: IToken[];
  Condition?: IToken[];
  Name: IToken[];
  Colon: IToken[];
  typeExpr: TypeExprCstNode[];
};

export interface TypeExprCstNode extends CstNode {
  name: "typeExpr";
  children: TypeExprCstChildren;
}

export type TypeExprCstChildren = {
  Name: IToken[];
  argList?: ArgListCstNode[];
  listExpr?: ListExprCstNode[];
};

export interface OrderDeclCstNode extends CstNode {
  name: "orderDecl";
  children: OrderDeclCstChildren;
}

export type OrderDeclCstChildren = {
  Order: IToken[];
  expr: ExprCstNode[];
};

export interface SlotDeclCstNode extends CstNode {
  name: "slotDecl";
  children: SlotDeclCstChildren;
}

export type SlotDeclCstChildren = {
  Prior?: IToken[];
  Likelihood?: IToken[];
  Conditional?: IToken[];
  Encoder?: IToken[];
  Decoder?: IToken[];
  Target?: IToken[];
  call: CallCstNode[];
};

export interface FlowBlockCstNode extends CstNode {
  name: "flowBlock";
  children: FlowBlockCstChildren;
}

export type FlowBlockCstChildren = {
  Flow: IToken[];
  argList?: ArgListCstNode[];
  block?: BlockCstNode[];
};

export interface PosteriorDeclCstNode extends CstNode {
  name: "posteriorDecl";
  children: PosteriorDeclCstChildren;
}

export type PosteriorDeclCstChildren = {
  Posterior: IToken[];
  flowBlock?: FlowBlockCstNode[];
  call?: CallCstNode[];
};

export interface TrainBlockCstNode extends CstNode {
  name: "trainBlock";
  children: TrainBlockCstChildren;
}

export type TrainBlockCstChildren = {
  Train: IToken[];
  LCurly: IToken[];
  namedArg?: NamedArgCstNode[];
  Comma?: IToken[];
  Semicolon?: IToken[];
  RCurly: IToken[];
};

export interface BlockCstNode extends CstNode {
  name: "block";
  children: BlockCstChildren;
}

export type BlockCstChildren = {
  LCurly: IToken[];
  repeatStmt?: RepeatStmtCstNode[];
  levelStmt?: LevelStmtCstNode[];
  call?: CallCstNode[];
  Semicolon?: IToken[];
  RCurly: IToken[];
};

export interface RepeatStmtCstNode extends CstNode {
  name: "repeatStmt";
  children: RepeatStmtCstChildren;
}

export type RepeatStmtCstChildren = {
  Repeat: IToken[];
  NumberLiteral?: IToken[];
  Identifier?: IToken[];
  block?: BlockCstNode[];
};

export interface LevelStmtCstNode extends CstNode {
  name: "levelStmt";
  children: LevelStmtCstChildren;
}

export type LevelStmtCstChildren = {
  Level: IToken[];
  argList?: ArgListCstNode[];
  block?: BlockCstNode[];
};

export interface CallCstNode extends CstNode {
  name: "call";
  children: CallCstChildren;
}

export type CallCstChildren = {
  Identifier: IToken[];
  argList?: ArgListCstNode[];
  block?: BlockCstNode[];
};

export interface ArgListCstNode extends CstNode {
  name: "argList";
  children: ArgListCstChildren;
}

export type ArgListCstChildren = {
  LParen: IToken[];
  arg?: ArgCstNode[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface ArgCstNode extends CstNode {
  name: "arg";
  children: ArgCstChildren;
}

export type ArgCstChildren = {
  namedArg?: NamedArgCstNode[];
  expr?: ExprCstNode[];
};

export interface NamedArgCstNode extends CstNode {
  name: "namedArg";
  children: NamedArgCstChildren;
}

export type NamedArgCstChildren = {
  Name: IToken[];
  Colon: IToken[];
  expr: ExprCstNode[];
};

export interface ExprCstNode extends CstNode {
  name: "expr";
  children: ExprCstChildren;
}

export type ExprCstChildren = {
  NumberLiteral?: IToken[];
  StringLiteral?: IToken[];
  UnterminatedString?: IToken[];
  True?: IToken[];
  False?: IToken[];
  listExpr?: ListExprCstNode[];
  notExpr?: NotExprCstNode[];
  nameExpr?: NameExprCstNode[];
};

export interface ListExprCstNode extends CstNode {
  name: "listExpr";
  children: ListExprCstChildren;
}

export type ListExprCstChildren = {
  LBracket: IToken[];
  expr?: ExprCstNode[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface NotExprCstNode extends CstNode {
  name: "notExpr";
  children: NotExprCstChildren;
}

export type NotExprCstChildren = {
  Bang: IToken[];
  expr: ExprCstNode[];
};

export interface NameExprCstNode extends CstNode {
  name: "nameExpr";
  children: NameExprCstChildren;
}

export type NameExprCstChildren = {
  Identifier?: IToken[];
  Order?: IToken[];
  Mask?: IToken[];
  Condition?: IToken[];
  StatementKeyword?: IToken[];
  argList?: ArgListCstNode[];
  block?: BlockCstNode[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  file(children: FileCstChildren, param?: IN): OUT;
  topItem(children: TopItemCstChildren, param?: IN): OUT;
  letDecl(children: LetDeclCstChildren, param?: IN): OUT;
  maskDecl(children: MaskDeclCstChildren, param?: IN): OUT;
  modelDecl(children: ModelDeclCstChildren, param?: IN): OUT;
  modelStmt(children: ModelStmtCstChildren, param?: IN): OUT;
  varDecl(children: VarDeclCstChildren, param?: IN): OUT;
  typeExpr(children: TypeExprCstChildren, param?: IN): OUT;
  orderDecl(children: OrderDeclCstChildren, param?: IN): OUT;
  slotDecl(children: SlotDeclCstChildren, param?: IN): OUT;
  flowBlock(children: FlowBlockCstChildren, param?: IN): OUT;
  posteriorDecl(children: PosteriorDeclCstChildren, param?: IN): OUT;
  trainBlock(children: TrainBlockCstChildren, param?: IN): OUT;
  block(children: BlockCstChildren, param?: IN): OUT;
  repeatStmt(children: RepeatStmtCstChildren, param?: IN): OUT;
  levelStmt(children: LevelStmtCstChildren, param?: IN): OUT;
  call(children: CallCstChildren, param?: IN): OUT;
  argList(children: ArgListCstChildren, param?: IN): OUT;
  arg(children: ArgCstChildren, param?: IN): OUT;
  namedArg(children: NamedArgCstChildren, param?: IN): OUT;
  expr(children: ExprCstChildren, param?: IN): OUT;
  listExpr(children: ListExprCstChildren, param?: IN): OUT;
  notExpr(children: NotExprCstChildren, param?: IN): OUT;
  nameExpr(children: NameExprCstChildren, param?: IN): OUT;
}
