// Option parsers for commander that reject bad values with a usage error.
import { InvalidArgumentError } from 'commander';

export function intOption(min: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${v}'`);
    }
    return n;
  };
}

export function numOption(positive = true): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || (positive && n <= 0)) {
      throw new InvalidArgumentError(`expected a ${positive ? 'positive ' : ''}number, got '${v}'`);
    }
    return n;
  };
}
