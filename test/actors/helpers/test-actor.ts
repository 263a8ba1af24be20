// An actor for supervisor tests: answers "syncz" with its incarnation and thread start count,
// forwards "config-dump" to the peer named in proxyId, and throws from its event loop on
// "validationz" (a bug, as the supervisor sees it).

import type { Actor, ActorContext } from "../../../src/actors/runtime/actor-host.js";

export function createActor(ctx: ActorContext): Actor {
  const incarnation = (ctx.options as { incarnation?: number }).incarnation ?? 0;
  return {
    start: () => ({ version: incarnation }),
    async handle(m) {
      const msg = m as { type: string; proxyId?: string };
      if (msg.type === "syncz") return [{ actor: ctx.name, incarnation }];
      if (msg.type === "config-dump")
        return ctx.peer(msg.proxyId ?? "")?.request({ type: "syncz" });
      if (msg.type === "validationz")
        setImmediate(() => {
          throw new Error(`${ctx.name} failed on purpose`);
        });
      return null;
    },
  };
}
