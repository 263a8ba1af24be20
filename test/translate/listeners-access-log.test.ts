// mesh config accessLogFile: file access logs on every HCM and tcp_proxy (blackhole chains
// excepted), and NR-filtered listener logs on virtualOutbound, virtualInbound and gateways.

import test from "ava";
import { checkEnvoyMessage, formatViolation, violationsOf } from "../helpers/envoy-rules/index.js";
import {
  chains,
  configMap,
  listenersOf,
  modelFromYaml,
  serviceWithPod,
  sidecar,
  terminal,
} from "./listeners-helpers.js";

const LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
const services =
  serviceWithPod("web", "default", "10.96.1.1", "[{name: http, port: 8080}]", "10.1.1.1") +
  "---" +
  serviceWithPod("db", "default", "10.96.1.2", "[{name: tcp, port: 5432}]", "10.1.1.2");
const proxy = sidecar("default", { app: "web" }, ["10.1.1.1"]);

test("no accessLogFile (the default): no access logs anywhere", (t) => {
  for (const l of listenersOf(modelFromYaml(services), proxy).values())
    t.false(JSON.stringify(l).includes("accessLog"), String(l.name));
});

test("accessLogFile: HCMs and tcp_proxies log; listeners log only unmatched connections", (t) => {
  const ls = listenersOf(
    modelFromYaml(services + "---" + configMap("accessLogFile: /dev/stdout")),
    proxy,
  );
  const fileLog = (log: unknown) =>
    (log as { typedConfig: { path: string } }[])[0]!.typedConfig.path;
  t.is(fileLog(terminal(chains(ls.get("0.0.0.0_8080"))[0]!).accessLog), "/dev/stdout");
  t.is(fileLog(terminal(chains(ls.get("10.96.1.2_5432"))[0]!).accessLog), "/dev/stdout");
  const vo = ls.get("virtualOutbound")!;
  t.is(terminal(chains(vo)[0]!).accessLog, undefined, "the blackhole chain does not log");
  t.is(fileLog(terminal(chains(vo)[1]!).accessLog), "/dev/stdout");
  t.deepEqual((vo.accessLog as { filter: unknown }[])[0]!.filter, {
    responseFlagFilter: { flags: ["NR"] },
  });
  t.truthy(ls.get("virtualInbound")!.accessLog);
  t.is(ls.get("0.0.0.0_8080")!.accessLog, undefined);
  for (const l of ls.values())
    t.deepEqual(violationsOf(checkEnvoyMessage(LISTENER, l)).map(formatViolation), []);
});

test("a custom accessLogFormat is used as written, newline-terminated", (t) => {
  const sidecarLs = listenersOf(
    modelFromYaml(
      services + "---" + configMap('accessLogFile: /tmp/a.log\naccessLogFormat: "%RESPONSE_CODE%"'),
    ),
    proxy,
  );
  const log = (
    terminal(chains(sidecarLs.get("10.96.1.2_5432"))[0]!).accessLog as {
      typedConfig: { logFormat: unknown };
    }[]
  )[0]!;
  t.deepEqual(log.typedConfig.logFormat, {
    textFormatSource: { inlineString: "%RESPONSE_CODE%\n" },
  });
});
