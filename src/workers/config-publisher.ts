// The coordinator's side of CONFIG_CHANNEL: publishes each ConfigDelta once to every compute
// worker, and answers snapshot requests (a worker that started late or saw a gap) from the store
// it is given. Requests arriving together (several workers starting at once) get one answer.
// Publish deltas only after the store has applied them, so an answer is never older than a delta
// already published.

import { BroadcastChannel } from "node:worker_threads";
import type { ConfigObject } from "../registry/config-object.js";
import {
  CONFIG_CHANNEL,
  type ConfigDelta,
  type ConfigMessage,
  type ConfigSnapshot,
} from "../actors/messages.js";

/** What answers snapshot requests: ConfigStore satisfies it. */
export interface ConfigSnapshotSource {
  snapshot(): { readonly version: number; readonly objects: readonly ConfigObject[] };
}

export class ConfigPublisher {
  private readonly channel: BroadcastChannel;
  private answerQueued = false;
  private closed = false;
  /** Snapshots sent (for tests and metrics). */
  snapshotsSent = 0;

  constructor(
    private readonly store: ConfigSnapshotSource,
    channelName: string = CONFIG_CHANNEL,
  ) {
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (event) => {
      if ((event as { data: ConfigMessage }).data.type === "config-snapshot-request")
        this.queueAnswer();
    };
    this.channel.unref();
  }

  publish(delta: ConfigDelta): void {
    this.channel.postMessage(delta);
  }

  close(): void {
    this.closed = true;
    this.channel.close();
  }

  private queueAnswer(): void {
    if (this.answerQueued) return;
    this.answerQueued = true;
    setImmediate(() => {
      this.answerQueued = false;
      if (this.closed) return;
      const { version, objects } = this.store.snapshot();
      const snapshot: ConfigSnapshot = { type: "config-snapshot", version, objects };
      this.channel.postMessage(snapshot);
      this.snapshotsSent++;
    });
  }
}
