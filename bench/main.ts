// npm run bench [-- --workload W2[,W4] --steps 50 --warmup 5 --json --train-seconds 60 --no-torch
//   --clock cpu --trainer fast]: see bench/README.md. Each workload trains in its own child process
// (this file with --child) on the current tfjs backend; the PyTorch reference (torch_ref.py, 1 thread)
// runs beside it when available. Results are appended to bench/results/<date>.jsonl.
import { runBench } from './cli.js';

runBench(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
