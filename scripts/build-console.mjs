// Builds the admin console (console/) into dist/console: one script, its style sheet (imported
// by the script, so emitted beside it), and the page.
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}dist/console`;

await mkdir(out, { recursive: true });
await build({
  entryPoints: { console: `${root}console/src/main.tsx` },
  outdir: out,
  entryNames: "[name]",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  tsconfig: `${root}console/tsconfig.json`,
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(`${root}console/index.html`, `${out}/index.html`);
