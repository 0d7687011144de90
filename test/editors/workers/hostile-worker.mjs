// An analysis process for the budget tests: the real handlers (compiled, from dist/), except that a
// document containing one of these markers misbehaves the way a broken checker could:
//   @@slow  loops forever   @@oom  allocates until the heap limit ends the process   @@exit  exits the process
//   @@pause takes 800 ms (so that an edit arrives while it is being checked)
import { serve } from '../../../dist/editors/server/worker.js';
import { Handlers } from '../../../dist/editors/server/handlers.js';

const handlers = new Handlers();
const hoard = [];
serve((job) => {
  if (job.method !== 'close') {
    if (job.text.includes('@@slow')) for (;;);
    if (job.text.includes('@@oom')) for (;;) hoard.push(new Array(1e5).fill({ job }));
    if (job.text.includes('@@exit')) process.exit(7);
    if (job.text.includes('@@pause')) for (const end = Date.now() + 800; Date.now() < end;);
  }
  return handlers.run(job);
});
