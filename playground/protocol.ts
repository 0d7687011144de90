// Messages between the page and its two workers (editor-worker.ts: the compiler; train-worker.ts: the runtime).
import type { ExplainJson } from '../compiler/explain.js';

export interface PgDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
  hint?: string;
  /** 1-based line and column of `from` */
  line: number;
  col: number;
}

export interface Analysed {
  diagnostics: PgDiagnostic[];
  explain: ExplainJson[];
  ms: number;
}
export interface PgCompletion {
  label: string;
  detail?: string;
  info?: string;
  type?: string;
  apply?: string;
}

export type EditorRequest =
  | { id: number; op: 'analyze'; text: string; file: string }
  | { id: number; op: 'hover'; text: string; file: string; offset: number }
  | { id: number; op: 'complete'; text: string; file: string; offset: number }
  | { id: number; op: 'format'; text: string; file: string };

export interface EditorReply {
  id: number;
  result?: unknown;
  error?: string;
}

/** the page → training worker */
export type TrainRequest =
  | { op: 'init'; base: string; backend?: string }
  | {
      op: 'start';
      text: string;
      file: string;
      data?: DataChoice;
      steps: number;
      batch?: number;
      lr?: number;
      seed: number;
    }
  | { op: 'continue'; steps: number }
  | { op: 'stop' }
  | { op: 'sample'; n: number; temperature: number; seed: number }
  | { op: 'temperature'; temperature: number }
  | { op: 'nll'; source: string }
  | { op: 'checkpoint' }
  | { op: 'load'; name: string; bytes: ArrayBuffer };

/** where training data comes from: a source (`toy:moons?n=…`, `mnist`; empty: the spec's own), or an upload */
export type DataChoice = { kind: 'source'; text: string } | { kind: 'rows'; name: string; bytes: ArrayBuffer };

export type TrainEvent =
  | { type: 'ready'; backend: string }
  | { type: 'started'; model: string; params: number; rows: number; family: string; image?: number[] }
  | { type: 'progress'; step: number; total: number; loss: number; stepsPerSec: number }
  | { type: 'density'; grid: Float32Array; size: number; extent: number[]; points: Float32Array }
  | { type: 'samples'; data: Float32Array; shape: number[] }
  | { type: 'stopped'; step: number; reason: string }
  | { type: 'done'; step: number }
  | { type: 'nll'; nll: number; rows: number; bitsPerDim?: number }
  | { type: 'checkpoint'; bytes: ArrayBuffer; name: string }
  | { type: 'loaded'; model: string; step: number; family: string; source?: string }
  | { type: 'error'; message: string };
