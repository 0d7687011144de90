// Where the CLI writes, and the errors it turns into one clear line and an exit code.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: progress bar instead of log lines, colour */
  isTTY: boolean;
  /** colour in diagnostics (TTY and NO_COLOR unset) */
  color: boolean;
}

export const processIO = (): CliIO => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});

/** Errors in user input: one line `flowc: error: ...`, exit 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Usage errors (missing file, bad option value): exit 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The command already printed what went wrong (e.g. diagnostics); exit with this code. */
export class Reported extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'Reported';
  }
}

/** A file-system error as a few words a user can act on (not an errno code). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'a folder on its path is a file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return err?.code ?? (err instanceof Error ? err.message : String(e));
  }
}

/**
 * Checks, before any work is done, that `file` can be created: its folder exists and is a folder,
 * and the path is not itself a directory. Throws a one-line UserError naming the option.
 */
export function checkWritable(option: string, file: string): void {
  const dir = dirname(resolve(file));
  let reason: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) reason = `${dir} is not a folder`;
    else if (existsSync(file) && statSync(file).isDirectory()) reason = 'it is a directory';
  } catch (e) {
    reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `the folder ${dir} does not exist` : fsReason(e);
  }
  if (reason) throw new UserError(`${option} ${file}: cannot write there: ${reason}`);
}

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(p, { recursive: true })` spins forever on some
 * paths (e.g. under /proc, where mkdir answers ENOENT for a parent that exists); this fails with a
 * UserError naming `option` instead.
 */
export function makeDirs(option: string, dir: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory())
    throw new UserError(`${option} ${dir}: cannot create it: ${p} is not a folder`);
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new UserError(`${option} ${dir}: cannot create it: ${fsReason(e)}`);
    }
  }
}
