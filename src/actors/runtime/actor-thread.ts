// Entry file of every actor's worker thread: the supervisor starts it with workerData naming the
// actor's module (see actor-host.ts).

import { runActorThread } from "./actor-host.js";

await runActorThread();
