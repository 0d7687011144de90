#!/usr/bin/env node
// Thin launcher: the benchmark harness is compiled to dist/bench/ by `npm run build`.
import '../dist/bench/main.js';
