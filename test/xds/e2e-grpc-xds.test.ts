// End to end with the real xDS client @grpc/grpc-js-xds over the default (grpc-js) transport.

import test from "ava";
import { e2eScenario } from "./helpers/e2e-scenario.js";

test("grpc-js-xds routes by weight and header, and keeps working through a NACK", (t) =>
  e2eScenario(t, "grpc-js"));
