import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ApiKey, apiKey, generateSecret } from "./api-keys.js";

const FILE = "admin-key.sha256";

/**
 * The admin key used when CIVILINK_API_KEYS is unset: made at first start, its SHA-256 kept in
 * the data directory, the secret itself shown only then. Deleting the file makes a new one.
 */
export async function adminKeyIn(
  dataDir: string,
): Promise<{ key: ApiKey; newSecret: string | null }> {
  const path = join(dataDir, FILE);
  try {
    const digest = Buffer.from((await readFile(path, "utf8")).trim(), "hex");
    if (digest.length === 32)
      return { key: { name: "admin", scopes: new Set(["admin"]), digest }, newSecret: null };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
  }
  const secret = generateSecret();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const digest = createHash("sha256").update(secret, "utf8").digest("hex");
  await writeFile(path, `${digest}\n`, { mode: 0o600 });
  return { key: apiKey("admin", secret, ["admin"]), newSecret: secret };
}
