// End to end with the real xDS client @grpc/grpc-js-xds over the node:http2 transport.

import test from "ava";
import { e2eScenario } from "./helpers/e2e-scenario.js";

test("grpc-js-xds over the http2 transport: weights, headers, NACK", (t) =>
  e2eScenario(t, "http2"));
