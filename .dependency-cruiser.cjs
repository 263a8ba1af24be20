// Import rules that keep the data flow visible (see ARCHITECTURE.md):
//   registry (sources, model) → translate (Envoy config) → push (who gets what) → xds (protocol edge)
// with actors/workers wiring them together and cli/monitoring on top. No cycles anywhere.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment:
        "An import cycle hides which module owns what; break it with an interface or a split.",
      from: {},
      to: { circular: true },
    },
    {
      name: "registry-is-the-bottom",
      severity: "error",
      comment: "Sources and the mesh model know nothing of Envoy, pushing, actors or the CLI.",
      from: { path: "^src/registry/" },
      to: { path: "^src/(xds|translate|push|actors|workers|cli|monitoring)/" },
    },
    {
      name: "xds-protocol-serves-bytes",
      severity: "error",
      comment:
        "The xDS protocol edge serves whatever resources it is given; it never reads Istio config or builds Envoy config.",
      from: { path: "^src/xds/" },
      to: { path: "^src/(registry|translate|push|actors|cli)/" },
    },
    {
      name: "translate-is-pure",
      severity: "error",
      comment:
        "Generators are pure functions of the model: no protocol state, no push mechanics, no actors.",
      from: { path: "^src/translate/" },
      to: {
        path: "^src/(xds|push|actors|workers|cli|monitoring)/",
        pathNot: "^src/xds/type-urls\\.ts$",
      },
    },
    {
      name: "workers-compute-only",
      severity: "error",
      comment:
        "The compute pool and its workers run registry, translate, push and xds code; of the actors they know only the message shapes (messages.ts), never an actor's runtime, the CLI or monitoring.",
      from: { path: "^src/workers/" },
      to: {
        path: "^src/(actors|cli|monitoring)/",
        pathNot: "^src/actors/messages\\.ts$",
      },
    },
    {
      name: "nothing-imports-the-cli",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "not-to-test",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
