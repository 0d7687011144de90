// Every kernel the planner can choose registers itself by being imported here (runtime/plan/registry.ts).
import './fused/coupling-kernels.js';
import './fused/split-kernel.js';
import './selected-inline.js';
