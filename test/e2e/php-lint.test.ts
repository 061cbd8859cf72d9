import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { shouldRunPhp } from "./support/wordpress-site.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every PHP file under a folder of the project. */
async function phpFiles(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".php"))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

const files = [...(await phpFiles("connectors")), ...(await phpFiles("test/e2e"))];
const runPhp = await shouldRunPhp();

describe.skipIf(!runPhp)("php -l", () => {
  it("finds the plugin's files", () => {
    expect(files).toContain("connectors/wordpress/civilink/civilink.php");
    expect(files).toContain("connectors/wordpress/civilink/uninstall.php");
  });

  it.each(files)("%s has no syntax error", async (file) => {
    const { stdout } = await run("php", ["-l", join(ROOT, file)]);
    expect(stdout).toContain("No syntax errors detected");
  });
});
