// The flowc package: `import { compileSource, build, loadRun } from 'flowc'`.
// The compiler (parse, check, lower to FlowIR) never loads TensorFlow.js; the runtime (build, train,
// load) does. `tf` is the TensorFlow.js the models run on, for making input tensors.
export {
  checkSource,
  compileSource,
  renderDiagnostics,
  renderDiagnosticsJson,
  sortDiagnostics,
  isYamlFile,
  lookupCode,
  type CheckResult,
  type CompileResult,
  type FlowIR,
  type JsonDiagnostic,
  type RenderOptions,
} from './compiler/index.js';
export type { Diagnostic, Severity } from './grammar/diagnostic.js';
export { initBackend, workHint, type BackendName } from './runtime/backend.js';
export { config, setConfig, withConfig, type FlowcConfig } from './runtime/config.js';
export { build } from './runtime/build.js';
export type { FlowModel, SampleOptions } from './runtime/model.js';
export { createTrainer, evaluate, type AdamOptions, type Trainer } from './runtime/train-step.js';
export { loadModel, saveModel } from './runtime/io.js';
export { loadRun, CheckpointError, type LoadedRun, type LoadRunOptions } from './runtime/run-load.js';
export * as tf from '@tensorflow/tfjs-core';
