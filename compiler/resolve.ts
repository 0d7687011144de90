// Name resolution at file and model level: lets, masks (top-level and per model) and models,
// with duplicates reported (the first definition wins; later ones point back at it).
import type { FileNode, LetDecl, MaskDecl, ModelDecl, Name } from '../grammar/ast.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticDef, type Result } from '../grammar/diagnostic.js';
import * as N from './diagnostics/codes-names.js';

export interface FileScope {
  lets: Map<string, LetDecl>;
  masks: Map<string, MaskDecl>;
  models: Map<string, ModelDecl>;
  /** every model in source order, duplicates included (each is still checked) */
  modelList: ModelDecl[];
}

function declare<T extends { name: Name }>(
  map: Map<string, T>,
  item: T,
  def: DiagnosticDef<{ name: string }>,
  out: Diagnostic[],
): void {
  const first = map.get(item.name.text);
  if (first) {
    out.push(
      makeDiagnostic(def, item.name.span, { name: item.name.text }, [
        { span: first.name.span, message: `\`${item.name.text}\` is first defined here` },
      ]),
    );
    return;
  }
  map.set(item.name.text, item);
}

export function resolveFile(file: FileNode): Result<FileScope> {
  const diagnostics: Diagnostic[] = [];
  const scope: FileScope = { lets: new Map(), masks: new Map(), models: new Map(), modelList: [] };
  for (const item of file.items ?? []) {
    if (!item || !item.name) continue; // recovered fragments
    if (item.kind === 'let') declare(scope.lets, item, N.DUPLICATE_LET, diagnostics);
    else if (item.kind === 'mask') declare(scope.masks, item, N.DUPLICATE_MASK, diagnostics);
    else if (item.kind === 'model') {
      declare(scope.models, item, N.DUPLICATE_MODEL, diagnostics);
      scope.modelList.push(item);
    }
  }
  return { value: scope, diagnostics };
}

/** masks declared inside a model */
export function resolveModelMasks(model: ModelDecl): Result<Map<string, MaskDecl>> {
  const diagnostics: Diagnostic[] = [];
  const masks = new Map<string, MaskDecl>();
  for (const s of model.body ?? [])
    if (s && s.kind === 'mask' && s.name) declare(masks, s, N.DUPLICATE_MASK, diagnostics);
  return { value: masks, diagnostics };
}
