// Training progress: a cli-progress bar on a terminal, plain log lines otherwise.
import cliProgress from 'cli-progress';
import type { Progress } from '../runtime/trainer.js';
import type { CliIO } from './io.js';

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress of a long evaluation, `done` of `total` rows: on a terminal one line rewritten in place,
 * otherwise a log line at most every `everyMs` (and none for an evaluation shorter than that).
 */
export function rowsProgress(io: CliIO, label: string, everyMs = 5000): (done: number, total: number) => void {
  let t0 = 0;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (t0 === 0 || done <= 0) t0 = last = now;
    const secs = (now - t0) / 1000;
    const eta = done > 0 ? ((total - done) * secs) / done : NaN;
    const text = `${label}: ${done}/${total} rows (${Math.floor((100 * done) / total)}%)  ETA ${formatDuration(eta)}`;
    if (io.isTTY) {
      io.out(`\r\x1b[2K${text}${done >= total ? '\n' : ''}`);
      return;
    }
    if (now - last < everyMs) return;
    last = now;
    io.out(text + '\n');
  };
}

export function plainProgress(io: CliIO, every?: number): Progress {
  let total = 0;
  let first = 0;
  let t0 = 0;
  let lastPrint = 0;
  let interval = 1;
  return {
    start(t, s) {
      total = t;
      first = s;
      t0 = Date.now();
      lastPrint = t0;
      interval = every ?? Math.max(1, Math.floor((t - s) / 20));
    },
    update(step, f) {
      const now = Date.now();
      if (step % interval !== 0 && step !== total && now - lastPrint < 10_000) return;
      lastPrint = now;
      const rate = (step - first) / Math.max(1e-3, (now - t0) / 1000);
      const eta = (total - step) / Math.max(1e-9, rate);
      const bpd = f.bitsPerDim !== undefined ? `  bits/dim ${f.bitsPerDim.toFixed(4)}` : '';
      io.out(
        `step ${step}/${total}  loss ${f.loss.toFixed(4)}${bpd}  ` +
          `${Math.round(f.examplesPerSec)} ex/s  ETA ${formatDuration(eta)}\n`,
      );
    },
    log(line) {
      io.out(line + '\n');
    },
    evalProgress: rowsProgress(io, 'held-out evaluation'),
    stop() {},
  };
}

export function ttyProgress(io: CliIO): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | step {value}/{total} | loss {loss}{bpd} | {eps} ex/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  let loss = '-';
  return {
    start(total, step) {
      bar.start(total, step, { loss: '-', bpd: '', eps: '-' });
    },
    update(step, f) {
      loss = f.loss.toFixed(4);
      bar.update(step, {
        loss,
        bpd: f.bitsPerDim !== undefined ? ` | ${f.bitsPerDim.toFixed(4)} bits/dim` : '',
        eps: Math.round(f.examplesPerSec),
      });
    },
    log(line) {
      // print above the bar
      process.stdout.write('\r\x1b[2K');
      io.out(line + '\n');
      bar.render();
    },
    evalProgress(done, total) {
      bar.update({ loss: `${loss} | evaluating ${done}/${total} held-out rows` });
    },
    stop() {
      bar.stop();
    },
  };
}
