import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_CSP } from "../../src/interfaces/http/admin-console.js";
import { makeHarness } from "./support/http-harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("GET /admin, the console's page", () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ["scripts/build-console.mjs"], { cwd: ROOT });
  }, 60_000);

  it("serves the built page without a key, at /admin and /admin/, under its own strict policy", async () => {
    const h = makeHarness();
    for (const path of ["/admin", "/admin/"]) {
      const response = await h.http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.headers["content-security-policy"]).toBe(CONSOLE_CSP);
      expect(response.text).toContain('<script type="module" src="/admin/assets/console.js">');
    }
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|upgrade-insecure-requests|https?:/);
  });

  it("serves its script and style sheet, and nothing else of the build", async () => {
    const h = makeHarness();
    const script = await h.http.get("/admin/assets/console.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toMatch(/^text\/javascript|^application\/javascript/);
    const style = await h.http.get("/admin/assets/console.css");
    expect(style.status).toBe(200);
    expect(style.headers["content-type"]).toMatch(/^text\/css/);
    for (const path of [
      "/admin/assets/index.html",
      "/admin/assets/",
      "/admin/assets/..%2Fpackage.json",
      "/admin/assets/../../package.json",
      "/admin/index.html",
      "/ADMIN",
    ]) {
      const response = await h.http.get(path);
      expect(response.status, path).toBe(404);
      expect(response.body.error.kind, path).toBe("NotFound");
    }
  });

  it("answers other methods with 404 NotFound", async () => {
    const h = makeHarness();
    const response = await h.http.post("/admin").send({});
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("NotFound");
  });
});
