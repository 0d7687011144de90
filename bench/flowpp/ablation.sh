#!/usr/bin/env bash
# The Flow++ ablation on MNIST at a fixed wall-clock budget per model (bench/flowpp/README.md):
# RealNVP (the W3 spec), Glow, Flow++ with uniform dequantization, Flow++ with x-conditioned variational
# dequantization, and that with weight-normalised attention conditioners (flowpp_mnist_wn.flow). Each model
# trains for BUDGET seconds (SIGTERM: flowc saves a checkpoint and stops), is
# evaluated on the MNIST test rows (bits/dim; Flow++ variational also with --dequant-samples), and samples a grid;
# OUT/times.txt records when each model ran and the load average then.
# Usage: bench/flowpp/ablation.sh [BUDGET_SECONDS=180] [OUT=runs/flowpp-ablation] [MODEL...]
# MODEL: some of realnvp glow flowpp_uniform flowpp_variational flowpp_weight_norm (default: all five)
set -u
BUDGET=${1:-180}
OUT=${2:-runs/flowpp-ablation}
shift $(($# < 2 ? $# : 2))
MODELS=${*:-realnvp glow flowpp_uniform flowpp_variational flowpp_weight_norm}
FLOWC="node $(dirname "$0")/../../bin/flowc.js"
mkdir -p "$OUT"
# Flow++ with uniform dequantization: the same spec, its dequantization replaced
sed -e '/dequantize(variational/,/^    }$/c\    dequantize(uniform)' -e 's/model FlowppMnist/model FlowppUniform/' \
  specs/flowpp_mnist.flow > "$OUT/flowpp_uniform.flow"
declare -A SPEC=([realnvp]=specs/realnvp_mnist.flow [glow]=specs/glow_mnist.flow
  [flowpp_uniform]="$OUT/flowpp_uniform.flow" [flowpp_variational]=specs/flowpp_mnist.flow
  [flowpp_weight_norm]="$(dirname "$0")/flowpp_mnist_wn.flow")
for name in $MODELS; do
  [ -n "${SPEC[$name]:-}" ] || { echo "ablation.sh: no model '$name' (one of: ${!SPEC[*]})" >&2; exit 2; }
done
: > "$OUT/times.txt"
echo "| model | spec | steps in ${BUDGET}s | test bits/dim | IW bits/dim (K=4) |" > "$OUT/table.md"
echo "|---|---|---|---|---|" >> "$OUT/table.md"
for name in $MODELS; do
  run="$OUT/$name"
  echo "$name start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/times.txt"
  timeout -s TERM -k 60 "$BUDGET" $FLOWC train "${SPEC[$name]}" --out "$run" --force --no-pictures \
    > "$OUT/$name.log" 2>&1
  steps=$(grep -o 'stopped at step [0-9]*\|done: step [0-9]*' "$OUT/$name.log" | grep -o '[0-9]*$' | tail -1)
  bpd=$($FLOWC eval "$run" --data "mnist?split=test" 2>/dev/null | grep -o '[0-9.]* bits/dim' | head -1)
  iw="—"
  if [ "$name" = flowpp_variational ] || [ "$name" = flowpp_weight_norm ]; then
    iw=$($FLOWC eval "$run" --data "mnist?split=test" --dequant-samples 4 2>/dev/null | grep 'NLL' \
      | grep -o '[0-9.]* bits/dim')
  fi
  $FLOWC sample "$run" -n 36 --seed 1 -o "$OUT/$name.png" > /dev/null 2>&1
  echo "$name end   $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/times.txt"
  echo "| $name | ${SPEC[$name]} | ${steps:-?} | ${bpd:-?} | ${iw:-?} |" >> "$OUT/table.md"
done
cat "$OUT/table.md"
