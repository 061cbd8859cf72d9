// The layer rule of ARCHITECTURE.md (shared/), checked by `npm run layers` (part of `npm test`).
//
// Parser: TypeScript 7's npm package no longer exposes the JS compiler API, so dependency-cruiser
// cannot use `tsc` to read .ts files (`npx depcruise --info` shows typescript as unavailable).
// It parses them with @swc/core instead (a dev dependency). swc reports `import type` like any
// other import, so type-only imports are checked by these rules too.
//
// Resolution: `./email.js` in a .ts file is resolved to `./email.ts` by dependency-cruiser's own
// .js -> .ts retry; no tsConfig option is needed (and it could not be read without the TS API).
//
// Scope: src only. console/ is a browser bundle: dependency-cruiser's swc call does not parse
// TSX, and its packages (preact) are rightly devDependencies, inlined into dist/console by
// esbuild at build time. `tsc -p console/tsconfig.json` and knip (knip.json) check it instead.

/** Packages that are drivers or wiring: they belong in infrastructure or interfaces only. */
const DRIVERS = [
  "express",
  "knex",
  "pg",
  "@electric-sql/pglite",
  "knex-pglite",
  "inversify",
  "reflect-metadata",
  "pino",
  "commander",
  "zod",
  "mysql2",
  "fs-native-extensions",
];

// Matches the resolved path (node_modules/x/…, node_modules/@types/x/…; also when node_modules is
// a symlink that resolves outside the repo) and, for a package that is not installed, the bare
// unresolved name (x, x/sub).
// (Two patterns: dependency-cruiser rejects a nested optional group as an unsafe regex.)
const DRIVER_PATHS = [
  `(^|/)node_modules/(@types/)?(${DRIVERS.join("|")})(/|$)`,
  `^(${DRIVERS.join("|")})(/|$)`,
];

const NEVERTHROW = "(^|/)node_modules/neverthrow/";

/**
 * The one module of src/infrastructure that src/interfaces may import: the composition root's
 * entry. It re-exports what a driving interface needs to build and run civilink (buildContainer,
 * the use cases, the store's lifecycle, the configuration); the wiring behind it is its own.
 */
const COMPOSITION_ROOT = "^src/infrastructure/container/index\\.ts$";

/**
 * Modules nothing in the cruise imports, on purpose. bin/, bench/, scripts/ and test/ are not
 * cruised, so a module of src that only they import counts as an orphan.
 */
const ENTRY_POINTS = [
  "^src/index\\.ts$", // the library (package.json "main"); bin/civilink.js runs dist/interfaces/cli/main.js
  "^src/interfaces/cli/run\\.ts$", // `npm run civilink`: the CLI from source, through tsx
  "\\.d\\.ts$", // declarations for untyped packages, read by tsc only
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No circular imports anywhere in src (type-only imports count too).",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-imports-only-domain-and-neverthrow",
      severity: "error",
      comment:
        "src/domain may import only src/domain and neverthrow: no other package, no node: builtin.",
      from: { path: "^src/domain/" },
      to: { pathNot: [`^src/domain/`, NEVERTHROW] },
    },
    {
      name: "application-imports-only-domain-application-and-neverthrow",
      severity: "error",
      comment: "src/application may import only src/domain, src/application and neverthrow.",
      from: { path: "^src/application/" },
      to: { pathNot: ["^src/(domain|application)/", NEVERTHROW] },
    },
    {
      name: "core-not-to-outer-layers",
      severity: "error",
      comment: "src/domain and src/application never import src/infrastructure or src/interfaces.",
      from: { path: "^src/(domain|application)/" },
      to: { path: "^src/(infrastructure|interfaces)/" },
    },
    {
      name: "core-not-to-drivers",
      severity: "error",
      comment: `src/domain and src/application never import ${DRIVERS.join(", ")}.`,
      from: { path: "^src/(domain|application)/" },
      to: { path: DRIVER_PATHS },
    },
    {
      name: "infrastructure-not-to-interfaces",
      severity: "error",
      comment: "src/infrastructure never imports src/interfaces.",
      from: { path: "^src/infrastructure/" },
      to: { path: "^src/interfaces/" },
    },
    {
      name: "interfaces-reach-infrastructure-only-through-the-composition-root",
      severity: "error",
      comment:
        "src/interfaces may import src/application, src/domain and, of src/infrastructure, only " +
        "src/infrastructure/container/index.ts: an adapter, the config module or the wiring " +
        "behind the container can change without an interface noticing. The domain is imported " +
        "directly: it is the innermost layer, and the values the interfaces need (ids, CMS " +
        "kinds, validation issues) are its own; re-exporting them from src/application would " +
        "add a layer that does nothing.",
      from: { path: "^src/interfaces/" },
      to: { path: "^src/infrastructure/", pathNot: COMPOSITION_ROOT },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment:
        "A module nobody imports is dead code (or an entry point missing from ENTRY_POINTS). " +
        "Stricter than dependency-cruiser's `orphan`, which only catches modules without any " +
        "import in either direction.",
      module: { path: "^src/", pathNot: ENTRY_POINTS, numberOfDependentsLessThan: 1 },
      from: {},
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment:
        "src ships (package.json files: dist) and runs where only `dependencies` are installed.",
      from: { path: "^src/" },
      to: { dependencyTypes: ["npm-dev"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "Every import must resolve; an unresolved one would slip past the path rules above " +
        "(a missing package must be installed, a missing file fixed).",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    parser: "swc",
    moduleSystems: ["es6", "cjs"],
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
