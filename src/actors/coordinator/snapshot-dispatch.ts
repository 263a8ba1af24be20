// From the coordinator to the xDS actor: for each proxy view concerned, generate the resource
// sets of the pushed types (ViewGenerator), send them as a SnapshotUpdate (WireTable: sets and
// resources the xDS actor has are named by id, only new bytes travel, transferred), then the push
// order naming that view's proxies — view by view as each generation completes, so the first
// proxies are pushed while the rest are generated. Dispatches run one after another, so a later
// model's snapshot of a view never arrives before an earlier one's.

import type { Logger } from "../../log.js";
import type { PushOrder } from "../messages.js";
import type { RpcPort } from "../runtime/rpc-port.js";
import type { ViewGroup } from "./connected-views.js";
import type { ViewGenerator } from "./view-generator.js";
import { WireTable } from "./wire-table.js";

export interface SnapshotDispatchOptions {
  readonly generator: ViewGenerator;
  /** The port to the xDS actor (none while it is down). */
  readonly xds: () => RpcPort | undefined;
  /** The model version generation runs at. */
  readonly version: () => number;
  readonly log: Logger;
}

export class SnapshotDispatch {
  private chain: Promise<void> = Promise.resolve();
  readonly table = new WireTable();

  constructor(private readonly options: SnapshotDispatchOptions) {}

  /**
   * Generates `types` for each view and sends them (`complete`: these are all the types), then
   * `order` if given.
   */
  send(
    groups: readonly ViewGroup[],
    types: readonly string[],
    complete: boolean,
    order?: PushOrder,
  ): void {
    const { generator, version, log } = this.options;
    const at = version();
    const pushed = order ? new Set(order.proxyIds) : undefined;
    this.chain = this.chain
      .then(async () => {
        await Promise.all(
          groups.map(async (g) => {
            const r = await generator.generate({
              version: at,
              viewKey: g.viewKey,
              view: g.view,
              types,
            });
            const xds = this.options.xds();
            if (!xds) return;
            if (r.error !== undefined)
              log.error(
                { err: { message: r.error }, view: r.viewKey },
                "generating config failed; last good kept",
              );
            const update = this.table.update(r, complete);
            xds.send(update, [update.bytes]);
            const proxyIds = pushed ? g.proxyIds.filter((id) => pushed.has(id)) : [];
            if (order && proxyIds.length > 0) xds.send({ ...order, proxyIds });
          }),
        );
      })
      .catch((err: unknown) => log.error({ err }, "push failed; the last model keeps serving"));
  }

  /** Resolves once everything dispatched so far has been sent. */
  idle(): Promise<void> {
    return this.chain;
  }
}
