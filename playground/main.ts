// The playground page: the editor (editor.ts) with the compiler's diagnostics and explain table, the spec
// library menu, training in a worker (trainer-client.ts) with its pictures (draw.ts), checkpoints in and out,
// and the automation surface: `?spec=<base64url>&data=toy:moons&train=<steps>[&backend=wasm]` and
// `window.flowcPlayground`.
import type { ExplainJson } from '../compiler/explain.js';
import { createEditor, EditorWorker, formatDoc, setText } from './editor.js';
import { drawDensity, drawGrid, drawLoss, drawPoints } from './draw.js';
import { renderExplain } from './explain-table.js';
import type { Analysed, DataChoice, PgCompletion, PgDiagnostic, TrainEvent } from './protocol.js';
import { TrainerClient } from './trainer-client.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

const page = {
  diagnostics: [] as PgDiagnostic[],
  explain: [] as ExplainJson[],
  analyses: 0,
  latencyMs: NaN,
  densityNonBlank: false,
  samplesDrawn: 0,
};
let file = 'playground.flow';
let upload: { name: string; bytes: ArrayBuffer } | null = null;

const editorWorker = new EditorWorker();
const view = createEditor($('editor'), editorWorker, { analysed }, () => file);
const trainer = new TrainerClient(onTrainEvent, params.get('backend') ?? undefined);

function analysed(a: Analysed, latencyMs: number): void {
  Object.assign(page, { diagnostics: a.diagnostics, explain: a.explain, latencyMs });
  page.analyses++;
  const list = $('diagnostics');
  list.replaceChildren(
    ...a.diagnostics.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity;
      li.textContent = `${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`;
      if (d.hint) {
        const h = document.createElement('span');
        h.className = 'hint';
        h.textContent = `hint: ${d.hint}`;
        li.append(h);
      }
      li.onclick = () => view.dispatch({ selection: { anchor: d.from, head: d.to }, scrollIntoView: true });
      return li;
    }),
  );
  const errors = a.diagnostics.filter((d) => d.severity === 'error').length;
  $('status').textContent =
    `${errors ? `${errors} error(s)` : 'no errors'}, ${a.diagnostics.length - errors} other; ` +
    `checked in ${a.ms.toFixed(1)} ms (${latencyMs.toFixed(0)} ms after the last keystroke)`;
  renderExplain($('explain'), a.explain);
}

function progressText(): string {
  const s = trainer.state;
  if (s.error) return `error: ${s.error}`;
  if (s.note && !s.training) return s.note;
  if (!s.model) return 'not training';
  const loss = Number.isFinite(s.loss) ? s.loss.toFixed(4) : '–';
  const what = s.training ? 'training' : s.done ? 'done' : 'stopped';
  return (
    `${what} ${s.model} on ${s.backend}: step ${s.step}/${s.total}, loss ${loss} nats/example, ` +
    `${s.stepsPerSec.toFixed(1)} steps/s`
  );
}

function onTrainEvent(e: TrainEvent): void {
  const s = trainer.state;
  $('progress').textContent = progressText();
  for (const id of ['train', 'stop', 'continue', 'sample', 'download', 'nll']) {
    const on = id === 'stop' ? s.training : id === 'train' ? !s.training : !s.training && s.model !== null;
    ($(id) as HTMLButtonElement).disabled = !on;
  }
  if (e.type === 'progress' || e.type === 'done' || e.type === 'started') drawLoss($('loss'), s.losses, 'nats/example');
  if (e.type === 'density') {
    page.densityNonBlank = drawDensity($('picture'), e.grid, e.size, e.extent, e.points).nonBlank;
  }
  if (e.type === 'samples') {
    page.samplesDrawn++;
    if (e.shape.length === 4) drawGrid($('picture'), e.data, e.shape);
    else if (e.shape.length === 2 && e.shape[1] === 2 && !s.picture) drawPoints($('picture'), e.data);
  }
}

function dataChoice(): DataChoice | undefined {
  const v = ($('data') as HTMLSelectElement).value;
  if (v === 'upload') return upload ? { kind: 'rows', name: upload.name, bytes: upload.bytes.slice(0) } : undefined;
  return v ? { kind: 'source', text: v } : undefined;
}

async function train(steps: number, data = dataChoice()): Promise<void> {
  await trainer.train(view.state.doc.toString(), file, steps, data);
  onTrainEvent({ type: 'progress', step: 0, total: steps, loss: NaN, stepsPerSec: 0 });
}

async function openFile(f: File): Promise<void> {
  $('progress').textContent = `opening ${f.name}…`;
  try {
    trainer.state.note = null;
    const e = await trainer.load(f.name, await f.arrayBuffer());
    trainer.state.note =
      `opened ${e.model} (step ${e.step}) from ${f.name}` + (e.source ? `; trained on ${e.source}` : '');
    $('progress').textContent = trainer.state.note;
    if (e.source) ($('nll-source') as HTMLInputElement).value = e.source;
  } catch (err) {
    trainer.state.note = `could not open ${f.name}: ${(err as Error).message}`;
    trainer.state.error = null;
    $('progress').textContent = trainer.state.note;
  }
}

/** a run folder's checkpoint (checkpoint.ckpt, else the previous one), or the file itself */
function pickCheckpoint(files: File[]): File | undefined {
  const by = (n: string) => files.find((f) => f.name === n);
  return by('checkpoint.ckpt') ?? by('checkpoint.prev.ckpt') ?? files.find((f) => f.name.endsWith('.ckpt'));
}

function download(bytes: Uint8Array, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const toB64 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromB64 = (t: string): Uint8Array => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
export const decodeSpecParam = (t: string): string =>
  new TextDecoder().decode(
    fromB64(
      t
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(t.length / 4) * 4, '='),
    ),
  );

async function loadSpecs(): Promise<void> {
  const specs = (await (await fetch('specs.json')).json()) as { name: string; text: string }[];
  const menu = $('spec-menu') as HTMLSelectElement;
  for (const s of specs) menu.append(new Option(s.name, s.name));
  menu.onchange = () => {
    const s = specs.find((x) => x.name === menu.value);
    if (!s) return;
    file = s.name;
    setText(view, s.text);
  };
  if (!params.get('spec')) {
    const first = specs.find((s) => s.name === 'two_moons.flow') ?? specs[0];
    if (first) {
      menu.value = first.name;
      file = first.name;
      setText(view, first.text);
    }
  }
}

function wire(): void {
  $('format').onclick = () => void formatDoc(view, editorWorker, file);
  $('train').onclick = () => void train(Number(($('steps') as HTMLInputElement).value) || 500);
  $('stop').onclick = () => trainer.stop();
  $('continue').onclick = () => void trainer.continueTraining(Number(($('steps') as HTMLInputElement).value) || 500);
  const temp = $('temperature') as HTMLInputElement;
  temp.oninput = () => {
    $('temperature-value').textContent = Number(temp.value).toFixed(2);
    trainer.temperature(Number(temp.value));
  };
  $('sample').onclick = () => void trainer.sample(16, Number(temp.value), Date.now() % 1e6);
  $('download').onclick = async () => {
    const { bytes, name } = await trainer.checkpoint();
    download(bytes, name);
  };
  $('nll').onclick = async () => {
    try {
      const r = await trainer.nll(($('nll-source') as HTMLInputElement).value);
      $('nll-value').textContent = `NLL ${r.nll.toFixed(4)} nats/example over ${r.rows} rows`;
    } catch (e) {
      $('nll-value').textContent = (e as Error).message;
    }
  };
  const dataSel = $('data') as HTMLSelectElement;
  dataSel.onchange = () => dataSel.value === 'upload' && $('upload').click();
  ($('upload') as HTMLInputElement).onchange = async (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) upload = { name: f.name, bytes: await f.arrayBuffer() };
  };
  ($('open') as HTMLInputElement).onchange = (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void openFile(f);
  };
  ($('open-dir') as HTMLInputElement).onchange = (e) => {
    const f = pickCheckpoint([...((e.target as HTMLInputElement).files ?? [])]);
    if (f) void openFile(f);
    else $('progress').textContent = 'that folder has no checkpoint.ckpt: is it a flowc run?';
  };
  document.body.ondragover = (e) => (e.preventDefault(), document.body.classList.add('dragging'));
  document.body.ondragleave = () => document.body.classList.remove('dragging');
  document.body.ondrop = (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    void dropped(e.dataTransfer);
  };
}

async function dropped(dt: DataTransfer | null): Promise<void> {
  if (!dt) return;
  const files: File[] = [...dt.files];
  // a dropped folder: read its entries
  for (const item of [...dt.items]) {
    const entry = item.webkitGetAsEntry?.();
    if (entry?.isDirectory) {
      const entries = await new Promise<FileSystemEntry[]>((ok) =>
        (entry as FileSystemDirectoryEntry).createReader().readEntries(ok),
      );
      for (const en of entries) {
        if (en.isFile) files.push(await new Promise<File>((ok) => (en as FileSystemFileEntry).file(ok)));
      }
    }
  }
  const f = pickCheckpoint(files);
  if (f) await openFile(f);
  else $('progress').textContent = 'drop a checkpoint.ckpt or a run folder written by flowc train';
}

const api = {
  get diagnostics() {
    return page.diagnostics;
  },
  get explain() {
    return page.explain;
  },
  get analyses() {
    return page.analyses;
  },
  get latencyMs() {
    return page.latencyMs;
  },
  get densityNonBlank() {
    return page.densityNonBlank;
  },
  get samplesDrawn() {
    return page.samplesDrawn;
  },
  get step() {
    return trainer.state.step;
  },
  get loss() {
    return trainer.state.loss;
  },
  get losses() {
    return trainer.state.losses;
  },
  get backend() {
    return trainer.state.backend;
  },
  get done() {
    return trainer.state.done;
  },
  get training() {
    return trainer.state.training;
  },
  get error() {
    return trainer.state.error;
  },
  get text() {
    return view.state.doc.toString();
  },
  setSpec: (text: string, name = 'playground.flow') => ((file = name), setText(view, text)),
  /** types `text` at `offset` as keystrokes would (one transaction per character) */
  type: (text: string, offset = view.state.doc.length) => {
    for (const [i, ch] of [...text].entries()) view.dispatch({ changes: { from: offset + i, insert: ch } });
  },
  train: (steps: number, data?: string) => train(steps, data ? { kind: 'source', text: data } : undefined),
  stop: () => trainer.stop(),
  continueTraining: (steps: number) => trainer.continueTraining(steps),
  sample: async (n: number, temperature = 1, seed = 1) => Array.from((await trainer.sample(n, temperature, seed)).data),
  nll: async (source: string) => (await trainer.nll(source)).nll,
  checkpointBase64: async () => toB64((await trainer.checkpoint()).bytes),
  loadCheckpointBase64: async (name: string, b64: string) => {
    const bytes = fromB64(b64);
    return trainer.load(name, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  },
  format: () => formatDoc(view, editorWorker, file),
  /** what hovering / completing at `offset` of the current text shows (the editor's own requests) */
  hover: (offset: number) =>
    editorWorker.ask<{ markdown: string } | null>({ op: 'hover', text: api.text, file, offset }),
  complete: (offset: number) => editorWorker.ask<PgCompletion[]>({ op: 'complete', text: api.text, file, offset }),
};
(window as unknown as { flowcPlayground: typeof api }).flowcPlayground = api;

wire();
await loadSpecs();
const specParam = params.get('spec');
if (specParam) setText(view, decodeSpecParam(specParam));
const trainParam = Number(params.get('train'));
if (trainParam > 0) {
  const data = params.get('data');
  void train(trainParam, data ? { kind: 'source', text: data } : undefined);
}
