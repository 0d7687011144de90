// Small dense linear algebra in float64 JS (row-major number[][]), for 1×1-conv initialisation,
// inverses and log-determinants of C×C matrices.
import type { Rng } from './rng.js';

export type Mat = number[][];

export function eye(n: number): Mat {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** a random orthogonal matrix: Gram–Schmidt on a Gaussian matrix */
export function randomOrthogonal(n: number, rng: Rng): Mat {
  const q: Mat = [];
  while (q.length < n) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const d = v.reduce((s, x, i) => s + x * u[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (norm < 1e-6) continue;
    q.push(v.map((x) => x / norm));
  }
  return q;
}

/** A = P·L·U with partial pivoting: P a permutation matrix, L unit lower, U upper */
export function lu(A: Mat): { P: Mat; L: Mat; U: Mat } {
  const n = A.length;
  const U = A.map((r) => r.slice());
  const L = eye(n);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(U[i][k]) > Math.abs(U[p][k])) p = i;
    if (p !== k) {
      [U[k], U[p]] = [U[p], U[k]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      for (let j = 0; j < k; j++) [L[k][j], L[p][j]] = [L[p][j], L[k][j]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = U[k][k] === 0 ? 0 : U[i][k] / U[k][k];
      L[i][k] = f;
      for (let j = k; j < n; j++) U[i][j] -= f * U[k][j];
    }
  }
  // rows of PA were permuted: (Π A) = L U with Π[k][perm[k]] = 1, so A = Πᵀ L U
  const P = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < n; k++) P[perm[k]][k] = 1;
  return { P, L, U };
}

export function matmul(A: Mat, B: Mat): Mat {
  return A.map((r) => B[0].map((_, j) => r.reduce((s, x, k) => s + x * B[k][j], 0)));
}

/** inverse by Gauss–Jordan with partial pivoting */
export function inverse(A: Mat): Mat {
  const n = A.length;
  const M = A.map((r, i) => [...r, ...eye(n)[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    const d = M[k][k];
    for (let j = 0; j < 2 * n; j++) M[k][j] /= d;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = M[i][k];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) M[i][j] -= f * M[k][j];
    }
  }
  return M.map((r) => r.slice(n));
}

export function logAbsDet(A: Mat): number {
  const { U } = lu(A);
  return U.reduce((s, r, i) => s + Math.log(Math.abs(r[i])), 0);
}

export function toMat(data: ArrayLike<number>, n: number): Mat {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => data[i * n + j]));
}
