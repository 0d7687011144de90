// Where the CLI writes, and the errors it turns into one clear line and an exit code.

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
  constructor(message: string, readonly exitCode = 1) {
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
