// The editor: CodeMirror 6 with `.flow` highlighting (highlight.ts), and everything the compiler says computed
// in the editor worker (editor-worker.ts): diagnostics as underlines (debounced after each change), hover,
// completion and formatting.
import { autocompletion, snippetCompletion, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { flowLanguage } from './highlight.js';
import { markdownDom } from './markdown.js';
import type { Analysed, EditorReply, EditorRequest, PgCompletion, PgDiagnostic } from './protocol.js';

type Req = EditorRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** the editor worker, request by request */
export class EditorWorker {
  private readonly worker = new Worker(new URL('./editor-worker.js', import.meta.url), { type: 'module' });
  private next = 1;
  private readonly waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (e: MessageEvent<EditorReply>) => {
      const w = this.waiting.get(e.data.id);
      this.waiting.delete(e.data.id);
      if (e.data.error !== undefined) w?.fail(new Error(e.data.error));
      else w?.ok(e.data.result);
    };
  }

  ask<T>(req: Req): Promise<T> {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      this.waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      this.worker.postMessage({ ...req, id });
    });
  }
}

export interface EditorHooks {
  /** after every analysis: the diagnostics, the explain tables, and ms from the change to the underlines */
  analysed(a: Analysed, latencyMs: number): void;
}

const DEBOUNCE_MS = 25;

export function createEditor(
  parent: HTMLElement,
  worker: EditorWorker,
  hooks: EditorHooks,
  file: () => string,
): EditorView {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let changedAt = 0;
  let generation = 0;

  const analyse = async (view: EditorView) => {
    const mine = ++generation;
    const text = view.state.doc.toString();
    let a: Analysed;
    try {
      a = await worker.ask<Analysed>({ op: 'analyze', text, file: file() });
    } catch (e) {
      a = {
        diagnostics: [
          {
            from: 0,
            to: 0,
            severity: 'error',
            code: 'PLAY01',
            line: 1,
            col: 1,
            message: `the editor worker failed: ${(e as Error).message}`,
          },
        ],
        explain: [],
        ms: 0,
      };
    }
    if (mine !== generation || view.state.doc.toString() !== text) return; // a newer change is on its way
    view.dispatch(setDiagnostics(view.state, a.diagnostics.map(toCm)));
    hooks.analysed(a, performance.now() - changedAt);
  };

  const onChange = EditorView.updateListener.of((u) => {
    if (!u.docChanged) return;
    changedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(() => void analyse(u.view), DEBOUNCE_MS);
  });

  const hover = hoverTooltip(async (view, pos) => {
    const text = view.state.doc.toString();
    const r = await worker.ask<{ markdown: string } | null>({ op: 'hover', text, file: file(), offset: pos });
    if (!r) return null;
    return { pos, create: () => ({ dom: markdownDom(r.markdown) }) };
  });

  const completionSource = async (ctx: CompletionContext) => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    if (!word && !ctx.explicit && !/[(,:\s]$/.test(ctx.state.sliceDoc(Math.max(0, ctx.pos - 1), ctx.pos))) return null;
    const items = await worker.ask<PgCompletion[]>({
      op: 'complete',
      text: ctx.state.doc.toString(),
      file: file(),
      offset: ctx.pos,
    });
    if (!items.length) return null;
    const options: Completion[] = items.map((c) => {
      const base = { label: c.label, detail: c.detail, info: c.info, type: c.type };
      return c.apply && c.apply.includes('${') ? snippetCompletion(c.apply, base) : { ...base, apply: c.apply };
    });
    return { from: word ? word.from : ctx.pos, options, validFor: /^[A-Za-z_0-9]*$/ };
  };

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        flowLanguage,
        syntaxHighlighting(defaultHighlightStyle),
        lintGutter(),
        hover,
        autocompletion({ override: [completionSource] }),
        keymap.of([
          { key: 'Shift-Alt-f', run: (v) => (void formatDoc(v, worker, file()), true) },
          indentWithTab,
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        onChange,
      ],
    }),
  });
  return view;
}

/** replaces the document with `flowc fmt`'s output (unchanged when the spec has syntax errors) */
export async function formatDoc(view: EditorView, worker: EditorWorker, file: string): Promise<void> {
  const text = view.state.doc.toString();
  const r = await worker.ask<{ text: string }>({ op: 'format', text, file });
  if (r.text !== text && view.state.doc.toString() === text) {
    view.dispatch({ changes: { from: 0, to: text.length, insert: r.text } });
  }
}

export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function toCm(d: PgDiagnostic): CmDiagnostic {
  return {
    from: d.from,
    to: Math.max(d.to, d.from),
    severity: d.severity === 'hint' ? 'info' : d.severity,
    source: d.code,
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
  };
}
