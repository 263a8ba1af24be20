// MESHPILOT_COMPUTE_THREADS: auto (the default) is the available parallelism; a number fixes it.

import test from "ava";
import { availableParallelism } from "node:os";
import { resolveComputeThreads } from "../../src/settings.js";

test("compute threads default to the available parallelism", (t) => {
  t.is(resolveComputeThreads({}), availableParallelism());
  t.is(resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: "auto" }), availableParallelism());
  t.is(resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: " 3 " }), 3);
});

test("an unreadable thread count names the variable", (t) => {
  for (const bad of ["0", "1.5", "many"])
    t.throws(() => resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: bad }), {
      message: /^MESHPILOT_COMPUTE_THREADS=/,
    });
});
