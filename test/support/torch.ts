// PyTorch for the torch-target tests: Debian's python3-torch is installed for /usr/bin/python3 (the
// `python3` on PATH may be another interpreter). Missing torch fails under CI=true (CI installs it)
// and skips with the reason printed elsewhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function probe(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  const last = (r.stderr || String(r.error)).trim().split('\n').pop();
  return r.status === 0 ? undefined : `${PYTHON} cannot import torch and numpy (${last})`;
}

/** undefined when torch is there; else the reason (and a failure under CI=true) */
export function torchMissing(): string | undefined {
  const why = probe();
  if (why && process.env.CI === 'true') {
    throw new Error(`${why}: CI must install Debian's python3-torch (apt-get install python3-torch)`);
  }
  if (why) console.warn(`skipping the PyTorch target tests: ${why}`);
  return why;
}

/** runs python code (cwd `cwd`, one thread), returns stdout; throws with stderr on failure */
export function runPython(args: string[], cwd: string, input?: string, timeout = 120_000): string {
  const r = spawnSync(PYTHON, args, {
    cwd,
    input,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** a package's train.py on one thread (cwd `pkg`): its exit status and stdout + stderr */
export function trainPy(pkg: string, args: string[], timeout = 120_000): { status: number | null; out: string } {
  const r = spawnSync(PYTHON, ['train.py', '--threads', '1', ...args], {
    cwd: pkg,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
