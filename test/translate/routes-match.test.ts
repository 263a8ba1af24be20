// HTTPMatchRequest → RouteMatch, one kind at a time (Istio's TranslateRouteMatch).

import test from "ava";
import { isCatchAllMatch, translateRouteMatch } from "../../src/translate/routes/match.js";

test("no match block is prefix / (and a catch-all)", (t) => {
  t.deepEqual(translateRouteMatch(undefined), { prefix: "/" });
  t.true(isCatchAllMatch(translateRouteMatch(undefined)));
});

test("uri exact, prefix and regex pick the path specifier; ignoreUriCase sets caseSensitive", (t) => {
  t.deepEqual(translateRouteMatch({ uri: { exact: "/login" } }), {
    path: "/login",
    caseSensitive: { value: true },
  });
  t.deepEqual(translateRouteMatch({ uri: { prefix: "/api" }, ignoreUriCase: true }), {
    prefix: "/api",
    caseSensitive: { value: false },
  });
  t.deepEqual(translateRouteMatch({ uri: { regex: "/v[0-9]+/.*" } }), {
    safeRegex: { regex: "/v[0-9]+/.*" },
    caseSensitive: { value: true },
  });
  t.deepEqual(translateRouteMatch({}), { prefix: "/", caseSensitive: { value: true } });
});

test("headers: exact, prefix, regex, and presence (no kind, or the regex *), sorted by name", (t) => {
  const m = translateRouteMatch({
    headers: {
      "x-z": { regex: "a.*" },
      "x-a": { exact: "jason" },
      "x-p": { prefix: "pre" },
      "x-any": {},
      "x-star": { regex: "*" },
    },
  });
  t.deepEqual(m.headers, [
    { name: "x-a", stringMatch: { exact: "jason" } },
    { name: "x-any", presentMatch: true },
    { name: "x-p", stringMatch: { prefix: "pre" } },
    { name: "x-star", presentMatch: true },
    { name: "x-z", stringMatch: { safeRegex: { regex: "a.*" } } },
  ]);
  t.false(isCatchAllMatch(m));
});

test("withoutHeaders invert the match; a value match treats a missing header as empty", (t) => {
  const m = translateRouteMatch({ withoutHeaders: { "x-skip": { exact: "1" }, "x-gone": {} } });
  t.deepEqual(m.headers, [
    { name: "x-gone", presentMatch: true, invertMatch: true },
    {
      name: "x-skip",
      stringMatch: { exact: "1" },
      invertMatch: true,
      treatMissingHeaderAsEmpty: true,
    },
  ]);
});

test("method, authority and scheme are pseudo-headers after the named headers", (t) => {
  const m = translateRouteMatch({
    headers: { "end-user": { exact: "jason" } },
    method: { exact: "GET" },
    authority: { prefix: "bookinfo" },
    scheme: { exact: "https" },
  });
  t.deepEqual(
    (m.headers as { name: string }[]).map((h) => h.name),
    ["end-user", ":method", ":authority", ":scheme"],
  );
});

test("query parameters: exact, regex, presence; sorted by name", (t) => {
  const m = translateRouteMatch({
    queryParams: { debug: { exact: "1" }, b: { regex: "x+" }, a: {} },
  });
  t.deepEqual(m.queryParameters, [
    { name: "a", presentMatch: true },
    { name: "b", stringMatch: { safeRegex: { regex: "x+" } } },
    { name: "debug", stringMatch: { exact: "1" } },
  ]);
  t.false(isCatchAllMatch(m));
});

test("a prefix / or regex .* match with nothing else is a catch-all", (t) => {
  t.true(isCatchAllMatch(translateRouteMatch({ uri: { prefix: "/" } })));
  t.true(isCatchAllMatch(translateRouteMatch({ uri: { regex: ".*" } })));
  t.false(isCatchAllMatch(translateRouteMatch({ uri: { prefix: "/a" } })));
});

test("@request.auth.claims headers match JWT claims through dynamic metadata", (t) => {
  const m = translateRouteMatch({
    headers: { "@request.auth.claims.groups": { exact: "admin" }, "x-a": { exact: "1" } },
    withoutHeaders: { "@request.auth.claims[org][id]": { prefix: "test" } },
  });
  t.deepEqual(m.headers, [{ name: "x-a", stringMatch: { exact: "1" } }]);
  const admin = { stringMatch: { exact: "admin" } };
  const test_ = { stringMatch: { prefix: "test" } };
  t.deepEqual(m.dynamicMetadata, [
    {
      filter: "envoy.filters.http.jwt_authn",
      path: [{ key: "payload" }, { key: "groups" }],
      value: { orMatch: { valueMatchers: [{ listMatch: { oneOf: admin } }, admin] } },
    },
    {
      filter: "envoy.filters.http.jwt_authn",
      path: [{ key: "payload" }, { key: "org" }, { key: "id" }],
      value: { orMatch: { valueMatchers: [{ listMatch: { oneOf: test_ } }, test_] } },
      invert: true,
    },
  ]);
  t.false(isCatchAllMatch(translateRouteMatch({ headers: { "@request.auth.claims.a": {} } })));
});
