#!/bin/sh
# The categorical comparison of bench/categorical/README.md: each task's Categorical NF (specs/), the same
# flow with uniform dequantization (discrete(K) declared), and MADE; STEPS training steps each (default 600),
# then the held-out bits per category (the training's final evaluation on the 10% hold-out: the bound for
# the CNF, exact for MADE, the uniform-dequantization bound for the other flow) and, for the CNF, the
# importance-weighted estimate with IW draws (default 20).   Usage: sh bench/categorical/run.sh [STEPS] [IW]
set -e
STEPS=${1:-600}
IW=${2:-20}
HERE=$(dirname "$0")
ROOT="$HERE/../.."
OUT=${OUT:-runs/categorical}
mkdir -p "$OUT"
for task in words permutations; do
  for spec in "$ROOT/specs/${task}_cnf.flow" "$HERE/${task}_uniform.flow" "$HERE/${task}_made.flow"; do
    name=$(basename "$spec" .flow)
    rm -rf "${OUT:?}/$name"
    node "$ROOT/bin/flowc.js" train "$spec" --steps "$STEPS" --out "$OUT/$name" --seed 1 2>&1 | grep -E "held-out NLL|done:" | tail -2
  done
  node "$ROOT/bin/flowc.js" eval "$OUT/${task}_cnf" --iw-samples "$IW" 2>&1 | grep -E "bound|NLL"
done
