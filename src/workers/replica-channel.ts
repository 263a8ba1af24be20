// A ModelReplica joined to CONFIG_CHANNEL: what each compute worker runs on load. It asks for a
// snapshot at once (it holds nothing), then follows the deltas.

import { BroadcastChannel } from "node:worker_threads";
import type { MeshModelOptions } from "../registry/mesh/types.js";
import {
  CONFIG_CHANNEL,
  type ConfigMessage,
  type ConfigSnapshotRequest,
} from "../actors/messages.js";
import { ModelReplica } from "./model-replica.js";

export interface JoinedReplica {
  readonly replica: ModelReplica;
  /** Stops listening (the channel no longer keeps the thread alive). */
  leave(): void;
}

export function joinConfigChannel(
  name: string = CONFIG_CHANNEL,
  modelOptions: MeshModelOptions = {},
): JoinedReplica {
  const channel = new BroadcastChannel(name);
  const replica = new ModelReplica((haveVersion) => {
    const request: ConfigSnapshotRequest = { type: "config-snapshot-request", haveVersion };
    channel.postMessage(request);
  }, modelOptions);
  channel.onmessage = (event) => replica.receive((event as { data: ConfigMessage }).data);
  replica.start();
  return { replica, leave: () => channel.close() };
}
