// MESHPILOT_COMPUTE_THREADS: auto (the default) is the available parallelism less the two cores
// the xDS and coordinator threads need; a number fixes it;
// 0 means no pool (generation in the push coordinator's thread).

import test from "ava";
import { availableParallelism } from "node:os";
import { resolveComputeThreads } from "../../src/settings.js";

test("compute threads default to the available parallelism less two", (t) => {
  const auto = Math.max(0, availableParallelism() - 2);
  t.is(resolveComputeThreads({}), auto);
  t.is(resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: "auto" }), auto);
  t.is(resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: " 3 " }), 3);
  t.is(resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: "0" }), 0);
});

test("an unreadable thread count names the variable", (t) => {
  for (const bad of ["-1", "1.5", "many"])
    t.throws(() => resolveComputeThreads({ MESHPILOT_COMPUTE_THREADS: bad }), {
      message: /^MESHPILOT_COMPUTE_THREADS=/,
    });
});
