// A load that would delete objects is held for one second look (RemovalCheck), never two in a row.

import test from "ava";
import { RemovalCheck } from "../../src/registry/sources/removal-check.js";
import type { FileRead } from "../../src/registry/sources/read-config-files.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { docs, virtualService as vs } from "../helpers/config-dir.js";

const read = (text: string): FileRead => ({ state: "read", result: readYamlText(text, "a.yaml") });
const GONE: FileRead = { state: "gone" };
const A = "VirtualService/default/a";
const B = "VirtualService/default/b";
const defines = (keys: string[]) => () => keys;

test("a file gone, or read cleanly without an object it defined, is held once", (t) => {
  const check = new RemovalCheck();
  t.true(check.hold(["a.yaml"], [GONE], defines([A])));
  t.false(check.hold(["a.yaml"], [GONE], defines([A])), "the second look is applied");
  t.true(check.hold(["a.yaml"], [read("")], defines([A])), "truncated in place: empty");
  t.false(check.hold(["a.yaml"], [read(vs("a", "x"))], defines([A])));
  t.true(check.hold(["a.yaml"], [read(vs("a", "x"))], defines([A, B])), "b left out");
});

test("reads that delete nothing are applied at once", (t) => {
  const check = new RemovalCheck();
  t.false(check.hold(["a.yaml"], [GONE], defines([])), "it defined nothing");
  t.false(check.hold(["a.yaml"], [read(docs(vs("a", "x"), vs("b", "y")))], defines([A])));
  t.false(check.hold(["a.yaml"], [read("kind: [oops\n")], defines([A])), "broken: kept anyway");
  t.false(
    check.hold(["a.yaml"], [read(vs("a", "x").replace("hosts: [x]", "hosts: 5"))], defines([A])),
    "invalid: its last good version is kept anyway",
  );
  t.false(check.hold(["a.yaml"], [{ state: "unreadable", reason: "EACCES" }], defines([A])));
});
