// Screenshots of the admin console for the README and docs/console.md: the sync screen after
// a run and a contact's page, at 1280 px, plus the sync screen on a 390 px phone.
// `npm run screenshots` (needs Debian's chromium).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../test/e2e/support/chromium.js";
import { startCivilink } from "../test/e2e/support/civilink-process.js";
import { freePort } from "../test/e2e/support/network.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}docs/images`;
const KEY = "screenshots-admin-key";
const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Margaret",
  "Ken",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "McCarthy",
  "Hamilton",
  "Thompson",
];

execFileSync(process.execPath, ["scripts/build-console.mjs"], { cwd: ROOT });
mkdirSync(OUT, { recursive: true });
const civilink = await startCivilink(await freePort(), {
  CIVILINK_STORE: "memory",
  CIVILINK_CMS: "wordpress",
  CIVILINK_API_KEYS: `ops:${KEY}:admin`,
  CIVILINK_LOG_LEVEL: "warn",
});
const call = (method: string, path: string, body?: string, type = "application/json") =>
  fetch(`${civilink.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { "content-type": type } : {}) },
    ...(body === undefined ? {} : { body }),
  }).then((response) => response.json() as Promise<Record<string, unknown>>);

try {
  await call("PUT", "/v1/domains/1", JSON.stringify({ name: "Members site", cms: "wordpress" }));
  // 12 of the site's users already have a contact in the CRM.
  for (let index = 1; index <= 12; index++) {
    await call(
      "POST",
      "/v1/contacts",
      JSON.stringify({
        firstName: FIRST[index % 10],
        lastName: LAST[(index * 3) % 10],
        emails: [{ email: `member${index}@example.org`, isPrimary: true }],
      }),
    );
  }
  const users = Array.from({ length: 240 }, (_, index) =>
    JSON.stringify({
      userId: index + 1,
      email: `member${index + 1}@example.org`,
      username: `member${index + 1}`,
      firstName: FIRST[(index + 1) % 10],
      lastName: LAST[((index + 1) * 3) % 10],
    }),
  );
  await call("POST", "/v1/domains/1/users/import", users.join("\n"), "application/x-ndjson");
  const ada = (await call(
    "POST",
    "/v1/contacts",
    JSON.stringify({
      firstName: "Ada",
      lastName: "Lovelace",
      emails: [
        { email: "ada@analytical.example", isPrimary: true },
        { email: "countess@lovelace.example", isPrimary: false, locationType: "Work" },
      ],
    }),
  )) as { id: number };
  await call(
    "POST",
    "/v1/domains/1/users/1815/registered",
    JSON.stringify({ email: "ada@analytical.example", username: "ada" }),
  );

  const browser = await launchChromium();
  const shoot = async (
    width: number,
    height: number,
    hash: string,
    file: string,
    act?: (page: import("playwright-core").Page) => Promise<void>,
  ) => {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${civilink.url}/admin`);
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.goto(`${civilink.url}/admin${hash}`);
    await act?.(page);
    await page.screenshot({ path: `${OUT}/${file}`, fullPage: true });
    await context.close();
  };
  await shoot(1280, 800, "#/domains/1", "console-sync.png", async (page) => {
    await page.getByRole("button", { name: "Synchronize Users to Contacts" }).click();
    await page.locator(".job .summary").waitFor({ timeout: 30_000 });
    await page.locator("table.stack tbody tr").first().waitFor();
  });
  await shoot(1280, 800, `#/contacts/${ada.id}`, "console-contact.png", async (page) => {
    await page.locator("#audit-heading").waitFor();
    await page.locator("table.stack tbody tr").first().waitFor();
  });
  await shoot(390, 844, "#/domains/1", "console-sync-phone.png", async (page) => {
    await page.locator("table.stack tbody tr").first().waitFor();
  });
  await browser.close();
  console.log(
    `screenshots in ${OUT}: console-sync.png, console-contact.png, console-sync-phone.png`,
  );
} finally {
  await civilink.stop();
}
