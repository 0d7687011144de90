// A checker in a child process for the fuzz tests (check-child.mjs): each case answers with its
// diagnostics, or with how the child died (V8 abort, exit, time limit), after which a fresh
// child takes the next case.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Range {
  start: number;
  end: number;
}
export interface Diag {
  code: string;
  message: string;
  span: Range;
  related: { span: Range }[];
}
export type Outcome = { ok: true; diagnostics: Diag[]; ms: number } | { ok: false; why: string };

const CHILD = fileURLToPath(new URL('./check-child.mjs', import.meta.url));

export class CheckChild {
  private child: ChildProcess | undefined;
  private nextId = 1;

  constructor(private readonly memoryMb = 1024) {}

  private start(): ChildProcess {
    const c = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${this.memoryMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    c.stderr!.on('data', () => undefined);
    this.child = c;
    return c;
  }

  check(text: string, file: string, timeoutMs: number): Promise<Outcome> {
    const c = this.child ?? this.start();
    const id = this.nextId++;
    let stderr = '';
    const onErr = (b: Buffer) => {
      stderr = (stderr + String(b)).slice(-3000);
    };
    c.stderr!.on('data', onErr);
    return new Promise<Outcome>((resolve) => {
      const done = (o: Outcome) => {
        clearTimeout(timer);
        c.off('message', onMessage);
        c.off('exit', onExit);
        c.stderr!.off('data', onErr);
        resolve(o);
      };
      const onMessage = (m: { id: number; diagnostics: Diag[]; ms: number }) => {
        if (m.id === id) done({ ok: true, diagnostics: m.diagnostics, ms: m.ms });
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.child = undefined;
        const fatal = /FATAL ERROR[^\n]*|Fatal [^\n]*/.exec(stderr)?.[0] ?? '';
        done({ ok: false, why: `the checker died (${signal ?? `exit ${code}`}) ${fatal}`.trim() });
      };
      const timer = setTimeout(() => {
        this.child = undefined;
        c.kill('SIGKILL');
        done({ ok: false, why: `the checker took longer than ${timeoutMs} ms` });
      }, timeoutMs);
      c.on('message', onMessage);
      c.on('exit', onExit);
      c.send({ id, text, file });
    });
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
