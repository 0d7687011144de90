// flowc explain SPEC [--model NAME] [--json] [--plan [--backend NAME]]
import { explain, explainJson } from '../../compiler/explain.js';
import { type CliIO, UserError } from '../io.js';
import { compileSpec } from '../spec.js';

export interface ExplainOptions {
  model?: string;
  json?: boolean;
  plan?: boolean;
  backend?: string;
}

export async function runExplain(io: CliIO, spec: string, opts: ExplainOptions): Promise<number> {
  if (opts.backend !== undefined && !opts.plan) throw new UserError('--backend goes with --plan');
  const ir = await compileSpec(io, spec, opts.model);
  if (opts.plan) return explainPlan(io, ir, opts);
  if (opts.json) io.out(JSON.stringify(explainJson(ir), null, 2) + '\n');
  else {
    const text = explain(ir);
    io.out(text.endsWith('\n') ? text : text + '\n');
  }
  return 0;
}

const STARTABLE = ['cpu', 'wasm', 'tensorflow'] as const;

/**
 * The kernel plan per layer on the backend `flowc train` would use (or --backend NAME: cpu, wasm and
 * tensorflow are started; any other name is planned for as a backend by that name, without starting it)
 */
async function explainPlan(io: CliIO, ir: Parameters<typeof explain>[0], opts: ExplainOptions): Promise<number> {
  const name = opts.backend;
  if (name !== undefined && !/^[a-z][a-z0-9_-]*$/i.test(name)) {
    throw new UserError(`--backend: expected a backend name such as cpu, wasm or tensorflow, got '${name}'`);
  }
  const { startBackend } = await import('../run.js');
  const { initBackend } = await import('../../runtime/backend.js');
  const startable = STARTABLE.find((b) => b === name);
  let backend: string;
  if (name === undefined) backend = await startBackend(ir, undefined, false);
  else if (startable) {
    backend = await initBackend(startable);
    if (backend !== startable) throw new UserError(`--backend ${startable}: it does not start here (got ${backend})`);
  } else {
    await initBackend('cpu');
    backend = name;
  }
  const { planModel } = await import('../../runtime/plan/planner.js');
  const { planJson, planTable } = await import('../../runtime/plan/format.js');
  const plan = planModel(ir, { backend });
  io.out(opts.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planTable(plan));
  return 0;
}
