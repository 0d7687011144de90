// FlowIR read from disk (model.json, checkpoints) is validated before anything is built from it:
// a file from another flowc version, or edited by hand, is refused with what does not match.
import { FLOWIR_VERSION, type FlowIR } from '../compiler/ir/types.js';
import { validateFlowIR } from '../compiler/ir/schema.js';

export class FlowIRError extends Error {}

/** `ir` as FlowIR, or a FlowIRError naming `where` and the first mismatches */
export function checkedFlowIR(ir: unknown, where: string): FlowIR {
  const version = (ir as { version?: unknown } | null)?.version;
  if (version !== FLOWIR_VERSION) {
    throw new FlowIRError(
      `${where} holds a FlowIR of version ${JSON.stringify(version)}; this flowc reads version ${FLOWIR_VERSION}`,
    );
  }
  const errors = validateFlowIR(ir);
  if (errors.length) {
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    throw new FlowIRError(`${where} holds a model this flowc cannot build: ${errors.slice(0, 3).join('; ')}${more}`);
  }
  return ir as FlowIR;
}
