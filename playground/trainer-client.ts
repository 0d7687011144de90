// The page's side of the training worker (train-worker.ts): starts it on first use, forwards requests, and turns
// its events into the state the page draws and `window.flowcPlayground` exposes.
import type { DataChoice, TrainEvent, TrainRequest } from './protocol.js';

export interface TrainState {
  backend: string | null;
  model: string | null;
  family: string | null;
  step: number;
  total: number;
  loss: number;
  losses: { step: number; loss: number }[];
  stepsPerSec: number;
  training: boolean;
  done: boolean;
  error: string | null;
  /** the last picture: a density grid, or samples */
  picture: Extract<TrainEvent, { type: 'density' | 'samples' }> | null;
  /** what the progress line says instead of the training state (an opened checkpoint) until training starts */
  note: string | null;
}

type Waiter = { type: TrainEvent['type']; ok: (e: TrainEvent) => void; fail: (e: Error) => void };

export class TrainerClient {
  readonly state: TrainState = {
    backend: null,
    model: null,
    family: null,
    step: 0,
    total: 0,
    loss: NaN,
    losses: [],
    stepsPerSec: 0,
    training: false,
    done: false,
    error: null,
    picture: null,
    note: null,
  };
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private waiters: Waiter[] = [];

  constructor(
    private readonly onUpdate: (e: TrainEvent) => void,
    private readonly backend?: string,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<TrainEvent>) => this.event(e.data);
    this.worker.onerror = (e) => this.event({ type: 'error', message: `the training worker failed: ${e.message}` });
    this.ready = this.request(
      { op: 'init', base: location.href, ...(this.backend ? { backend: this.backend } : {}) },
      'ready',
    ).then(() => undefined);
    return this.ready;
  }

  private post(req: TrainRequest, transfer: Transferable[] = []): void {
    this.worker!.postMessage(req, transfer);
  }

  /** sends a request and resolves with the first event of type `until` (an error event rejects) */
  private request(req: TrainRequest, until: TrainEvent['type'], transfer: Transferable[] = []): Promise<TrainEvent> {
    return new Promise((ok, fail) => {
      this.waiters.push({ type: until, ok, fail });
      this.post(req, transfer);
    });
  }

  private event(e: TrainEvent): void {
    const s = this.state;
    switch (e.type) {
      case 'ready':
        s.backend = e.backend;
        break;
      case 'started':
        Object.assign(s, { model: e.model, family: e.family, step: 0, losses: [], done: false, note: null });
        break;
      case 'progress':
        Object.assign(s, { step: e.step, total: e.total, loss: e.loss, stepsPerSec: e.stepsPerSec });
        s.losses.push({ step: e.step, loss: e.loss });
        break;
      case 'density':
      case 'samples':
        s.picture = e;
        break;
      case 'done':
        Object.assign(s, { training: false, done: true, step: e.step });
        break;
      case 'stopped':
        Object.assign(s, { training: false, step: e.step });
        break;
      case 'loaded':
        Object.assign(s, { model: e.model, family: e.family, step: e.step, losses: [], done: true });
        break;
      case 'error':
        Object.assign(s, { training: false, error: e.message });
        break;
    }
    const i = this.waiters.findIndex((w) => w.type === e.type || e.type === 'error');
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      if (e.type === 'error' && w!.type !== 'error') w!.fail(new Error(e.message));
      else w!.ok(e);
    }
    this.onUpdate(e);
  }

  async train(text: string, file: string, steps: number, data: DataChoice | undefined, seed = 0): Promise<void> {
    await this.start();
    Object.assign(this.state, { training: true, done: false, error: null, total: steps, note: null });
    this.post({ op: 'start', text, file, steps, seed, ...(data ? { data } : {}) });
  }

  async continueTraining(steps: number): Promise<void> {
    await this.start();
    Object.assign(this.state, { training: true, done: false, error: null });
    this.post({ op: 'continue', steps });
  }

  stop(): void {
    if (this.worker) this.post({ op: 'stop' });
  }

  temperature(t: number): void {
    if (this.worker) this.post({ op: 'temperature', temperature: t });
  }

  async sample(n: number, temperature: number, seed = 1): Promise<Extract<TrainEvent, { type: 'samples' }>> {
    await this.start();
    const e = await this.request({ op: 'sample', n, temperature, seed }, 'samples');
    return e as Extract<TrainEvent, { type: 'samples' }>;
  }

  async nll(source: string): Promise<Extract<TrainEvent, { type: 'nll' }>> {
    await this.start();
    return (await this.request({ op: 'nll', source }, 'nll')) as Extract<TrainEvent, { type: 'nll' }>;
  }

  async checkpoint(): Promise<{ bytes: Uint8Array; name: string }> {
    await this.start();
    const e = (await this.request({ op: 'checkpoint' }, 'checkpoint')) as Extract<TrainEvent, { type: 'checkpoint' }>;
    return { bytes: new Uint8Array(e.bytes), name: e.name };
  }

  async load(name: string, bytes: ArrayBuffer): Promise<Extract<TrainEvent, { type: 'loaded' }>> {
    await this.start();
    const e = await this.request({ op: 'load', name, bytes }, 'loaded', [bytes]);
    return e as Extract<TrainEvent, { type: 'loaded' }>;
  }
}
