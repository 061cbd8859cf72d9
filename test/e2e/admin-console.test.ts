/**
 * The admin console at /admin, driven in Debian's Chromium: sign in, Synchronize Users to
 * Contacts, search and edit a contact, what a read key may not do, a wrong key, keyboard use,
 * and the two widths it is used at.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, shouldRunChromium } from "./support/chromium.js";
import { CivilinkApi, type Contact } from "./support/civilink-api.js";
import { type CivilinkProcess, startCivilink } from "./support/civilink-process.js";
import { freePort } from "./support/network.js";

const ADMIN = "console-admin-5d1e";
const READ = "console-read-77a0";
const EVENTS = "console-events-c3b9";
const USERS = 60;
const SUMMARY =
  "Checked 60 user records. Found 0 matching contact records. Created 60 new contact records.";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const run = shouldRunChromium();

describe.skipIf(!run)("the admin console in Chromium", () => {
  let civilink: CivilinkProcess;
  let browser: Browser;
  const admin = new CivilinkApi(() => civilink.url, ADMIN);
  /** Every request the pages made, to check that none left this server. */
  const requested: string[] = [];
  const policyViolations: string[] = [];

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ["scripts/build-console.mjs"], { cwd: ROOT });
    civilink = await startCivilink(await freePort(), {
      CIVILINK_STORE: "memory",
      CIVILINK_CMS: "wordpress",
      CIVILINK_API_KEYS: `ops:${ADMIN}:admin,viewer:${READ}:read,cms:${EVENTS}:events`,
    });
    const lines = Array.from({ length: USERS }, (_, index) =>
      JSON.stringify({
        userId: index + 1,
        email: `member${index + 1}@example.org`,
        username: `member${index + 1}`,
        firstName: "Member",
        lastName: `Number ${index + 1}`,
      }),
    );
    const imported = await fetch(`${civilink.url}/v1/domains/1/users/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/x-ndjson" },
      body: lines.join("\n"),
    });
    expect(imported.status).toBe(200);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await civilink?.stop();
  });

  async function open(width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    await page.goto(`${civilink.url}/admin`);
    return page;
  }

  async function signedIn(key: string, width = 1280): Promise<Page> {
    const page = await open(width);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  // These run in the page, which has the DOM that this project's Node types leave out.
  const fitsTheWidth = (page: Page) =>
    page.evaluate<boolean>("document.documentElement.scrollWidth <= window.innerWidth");

  /** The controls without a label (or an accessible name of their own): none is expected. */
  const unlabelledControls = (page: Page) =>
    page.evaluate<string[]>(`[...document.querySelectorAll("input, select, textarea, button")]
      .filter((control) =>
        control.tagName === "BUTTON"
          ? control.textContent.trim() === "" && !control.getAttribute("aria-label")
          : control.labels.length === 0 && !control.getAttribute("aria-label"))
      .map((control) => control.outerHTML)`);

  const storedKeys = (page: Page) => page.evaluate<number>("sessionStorage.length");
  const focusedElement = (page: Page) =>
    page.evaluate<{ id: string; text: string }>(
      "({ id: document.activeElement.id, text: document.activeElement.textContent })",
    );

  it("signs in with an admin key and shows each domain, its numbers and the store's health", async () => {
    const page = await signedIn(ADMIN);
    await expect.poll(() => page.getByRole("heading", { name: "Overview" }).count()).toBe(1);
    const card = page.locator(".card", { hasText: "domain 1" });
    await expect.poll(() => card.textContent()).toContain("WordPress");
    await expect.poll(() => card.textContent()).toContain("Users in the directory60");
    expect(await card.textContent()).toContain("Not linked60");
    expect(await card.textContent()).toContain("has the user's email");
    expect(await page.getByText("Store: ready.").count()).toBe(1);
    expect(await page.getByText("ops").first().textContent()).toContain("ops");
    expect(await unlabelledControls(page)).toEqual([]);
    await page.context().close();
  });

  it("tells a wrong key so in words and keeps nothing", async () => {
    const page = await open();
    await page.getByLabel("API key").fill("not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "That API key is not valid. Check it (keys are case-sensitive) and try again.",
    );
    expect(await storedKeys(page)).toBe(0);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);

    await page.getByLabel("API key").fill(EVENTS);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe(
        'The key "cms" may only send CMS events. Sign in with a key that has the read or admin scope.',
      );
    await page.context().close();
  });

  it("runs Synchronize Users to Contacts: a live progress bar, then the summary as the API gives it, and the run listed", async () => {
    const page = await signedIn(ADMIN);
    await page.getByRole("link", { name: "Synchronize and settings" }).first().click();
    await page.getByRole("button", { name: "Synchronize Users to Contacts" }).click();
    await page.locator("progress#sync-progress").waitFor();
    const summary = page.locator(".job .summary");
    await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toBe(SUMMARY);
    expect(await page.locator("label[for=sync-progress]").textContent()).toBe("Finished.");
    expect(await page.locator("progress#sync-progress").getAttribute("value")).toBe("60");

    const jobs = await admin.get<{ jobs: { message: string; status: string }[] }>(
      "/v1/domains/1/sync-jobs",
    );
    expect(jobs.body.jobs[0]).toMatchObject({ status: "succeeded", message: SUMMARY });
    const runs = page.locator("table.stack tbody tr");
    await expect.poll(() => runs.count()).toBe(1);
    expect(await runs.first().textContent()).toContain("succeeded");
    expect(await runs.first().textContent()).toContain(SUMMARY);

    // A dry run of the same directory: every user is linked now, nothing is written.
    await page.getByLabel("Dry run: report what would happen, change nothing").check();
    await page.getByRole("button", { name: "Synchronize Users to Contacts" }).click();
    await expect.poll(() => runs.count(), { timeout: 20_000 }).toBe(2);
    const dry = await admin.get<{ jobs: { message: string; dryRun: boolean }[] }>(
      "/v1/domains/1/sync-jobs",
    );
    expect(dry.body.jobs[0]?.dryRun).toBe(true);
    await expect.poll(() => summary.textContent()).toBe(dry.body.jobs[0]?.message);
    expect(await runs.first().textContent()).toContain("(dry run)");
    expect(await fitsTheWidth(page)).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.context().close();
  });

  it("lists a domain's users with their links, a page at a time, and filters those not linked", async () => {
    const late = await fetch(`${civilink.url}/v1/domains/1/users/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/x-ndjson" },
      body: JSON.stringify({ userId: 61, email: "late@example.org", username: "late" }),
    });
    expect(late.status).toBe(200);
    const page = await signedIn(ADMIN);
    await page.getByRole("link", { name: "Users" }).first().click();
    const rows = page.locator("table.stack tbody tr");
    await expect.poll(() => rows.count()).toBe(50);
    expect(await rows.nth(6).textContent()).toMatch(/member7@example\.org.*contact \d+/);
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => rows.count()).toBe(11);
    expect(await rows.last().textContent()).toMatch(/late@example\.org.*not linked/);
    expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rows.count()).toBe(50);

    await page.getByLabel("Only users not linked").check();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("late@example.org");

    await page.goto(`${civilink.url}/admin#/domains/1/users/7`);
    await expect
      .poll(() => page.locator("#link-heading + p").textContent())
      .toMatch(/Linked to contact \d+ as member7@example\.org/);
    expect(await page.locator("table.stack").textContent()).toContain("created-contact");
    expect(await page.locator("table.stack").textContent()).toContain("sync");
    await page.context().close();
  });

  it("finds a contact by name and by email, edits it, and shows that its linked user is told", async () => {
    const created = await admin.call<Contact>("POST", "/v1/contacts", {
      firstName: "Ada",
      lastName: "Lovelace",
      emails: [{ email: "ada@analytical.example", isPrimary: true }],
    });
    const contactId = created.body.id;
    const events = new CivilinkApi(() => civilink.url, EVENTS);
    const registered = await events.call("POST", "/v1/domains/1/users/500/registered", {
      email: "ada@analytical.example",
      username: "ada",
    });
    expect(registered.body).toMatchObject({ outcome: "linked-existing", contactId });

    const page = await signedIn(ADMIN);
    await page.getByRole("link", { name: "Contacts" }).click();
    const search = page.getByRole("searchbox", { name: "Search by email or name" });
    expect(await search.getAttribute("type")).toBe("search");
    await search.fill("lovelace");
    await search.press("Enter");
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    await page.getByRole("heading", { name: /Ada Lovelace/ }).waitFor();
    expect(await page.locator("#links-heading + ul").textContent()).toContain("user 500");
    expect(await page.locator("#primary-email-effect").textContent()).toContain(
      "A new primary email is sent to the linked CMS users of Default (user 500)",
    );
    expect(await page.locator("table.stack").textContent()).toContain("linked-existing");

    await page.getByLabel("First name").fill("Augusta Ada");
    await page.getByLabel("Primary email").fill("countess@analytical.example");
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const contact = await admin.contact(contactId);
    expect(contact).toMatchObject({ firstName: "Augusta Ada", lastName: "Lovelace" });
    expect(contact.emails.find((email) => email.isPrimary)?.email).toBe(
      "countess@analytical.example",
    );
    const outbox = await admin.get<{ events: { userId: number; email: string }[] }>(
      "/v1/domains/1/outbox?userId=500",
    );
    expect(outbox.body.events).toEqual([
      expect.objectContaining({ userId: 500, email: "countess@analytical.example" }),
    ]);

    // Linked, so it cannot go to the trash; the refusal says why and what to do.
    await page.getByRole("button", { name: "Move to trash" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("A contact stays out of the trash while a CMS user is linked to it");

    // The linked user's page has the outbox event for the CMS.
    await page.getByRole("link", { name: "user 500" }).first().click();
    await expect
      .poll(() => page.locator("#outbox-heading + ul").textContent())
      .toContain("new email countess@analytical.example");

    // By email, a contact nobody is linked to: trashed, then restored.
    await admin.call("POST", "/v1/contacts", {
      firstName: "Grace",
      lastName: "Hopper",
      emails: [{ email: "grace@navy.example", isPrimary: true }],
    });
    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByRole("searchbox").fill("grace@navy.example");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Grace Hopper" }).click();
    await page.getByRole("button", { name: "Move to trash" }).click();
    await page.getByRole("button", { name: "Restore contact" }).click();
    await page.getByRole("button", { name: "Move to trash" }).waitFor();
    const grace = await admin.contactsByEmail("grace@navy.example");
    expect(grace.map((each) => (each as Contact & { isDeleted: boolean }).isDeleted)).toEqual([
      false,
    ]);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.context().close();
  });

  it("changes a domain's settings, saying in words what the new rule matches", async () => {
    await admin.call("PUT", "/v1/domains/2", { name: "Shop", cms: "drupal" });
    const page = await signedIn(ADMIN);
    await page.goto(`${civilink.url}/admin#/domains/2`);
    await page.getByLabel("CMS").selectOption("joomla");
    await page
      .getByLabel("Email sync: a contact's new primary email is sent to its linked users")
      .uncheck();
    await page.getByLabel("First name weight").fill("5");
    await page.getByLabel("Last name weight").fill("5");
    await page.getByLabel("Threshold").fill("20");
    expect(await page.locator(".rule-sentence").textContent()).toContain(
      "has the user's email and the same first and last name",
    );
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const domain = await admin.get<Record<string, unknown>>("/v1/domains/2");
    expect(domain.body).toMatchObject({
      name: "Shop",
      cms: "joomla",
      syncCmsEmail: false,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 5 }, threshold: 20 },
    });
    await page.goto(`${civilink.url}/admin#/`);
    const card = page.locator(".card", { hasText: "domain 2" });
    await expect.poll(() => card.textContent()).toContain("Joomla");
    expect(await card.textContent()).toContain("Email syncoff");
    await page.context().close();
  });

  it("offers a read key no sync button, no settings form and no contact edit", async () => {
    const page = await signedIn(READ);
    await page.getByRole("link", { name: "Synchronize and settings" }).first().click();
    await page.getByText("Starting a sync needs a key with the admin scope.").waitFor();
    expect(await page.getByRole("button", { name: "Synchronize Users to Contacts" }).count()).toBe(
      0,
    );
    expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await page.getByText("Changing them needs a key with the admin scope.").count()).toBe(1);
    await page.getByRole("link", { name: "Users of this domain" }).click();
    await page.getByText("Listing the user directory needs a key with the admin scope.").waitFor();

    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByRole("searchbox").fill("Lovelace");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: /Lovelace/ }).click();
    await page
      .getByText("Editing, trashing or restoring a contact needs a key with the admin scope.")
      .waitFor();
    expect(await page.getByRole("button", { name: "Save contact" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Move to trash" }).count()).toBe(0);
    await page.context().close();
  });

  it("is used by keyboard alone, and sign out forgets the key", async () => {
    const page = await open();
    await page.keyboard.press("Tab");
    expect((await focusedElement(page)).id).toBe("api-key");
    await page.keyboard.type(ADMIN);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    // Tab to "Contacts" in the header and follow it.
    for (let step = 0; step < 5; step++) {
      await page.keyboard.press("Tab");
      if ((await focusedElement(page)).text === "Contacts") break;
    }
    await page.keyboard.press("Enter");
    await page.getByRole("searchbox").waitFor();
    expect(await page.evaluate<string | null>('sessionStorage.getItem("civilink.apiKey")')).toBe(
      ADMIN,
    );

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await storedKeys(page)).toBe(0);
    await page.reload();
    await page.getByLabel("API key").waitFor();
    await page.context().close();
  });

  it("shows the API's own message for an error, never a blank page", async () => {
    const page = await signedIn(ADMIN);
    await page.goto(`${civilink.url}/admin#/domains/99`);
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/domain 99/i);
    await page.goto(`${civilink.url}/admin#/domains/1`);
    await page.getByLabel("Threshold").fill("");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("threshold");
    await page.context().close();
  });

  it("fits a 390 px phone screen and a 1280 px one without sideways scrolling", async () => {
    for (const width of [390, 1280]) {
      const page = await signedIn(ADMIN, width);
      await page.getByText("Not linked").first().waitFor();
      expect(await fitsTheWidth(page)).toBe(true);
      await page.goto(`${civilink.url}/admin#/domains/1`);
      await page.locator("table.stack tbody tr").first().waitFor();
      expect(await fitsTheWidth(page)).toBe(true);
      await page.goto(`${civilink.url}/admin#/domains/1/users`);
      await page
        .getByText("member60@example.org")
        .or(page.getByText("member1@example.org"))
        .first()
        .waitFor();
      expect(await fitsTheWidth(page)).toBe(true);
      await page.goto(`${civilink.url}/admin#/contacts?q=lovelace`);
      await page.getByRole("link", { name: /Lovelace/ }).click();
      await page.locator("#audit-heading").waitFor();
      expect(await fitsTheWidth(page)).toBe(true);
      await page.context().close();
    }
  });

  it("loads nothing from another origin and breaks no rule of its Content-Security-Policy", async () => {
    const page = await open();
    const response = await page.request.get(`${civilink.url}/admin`);
    expect(response.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(response.headers()["content-security-policy"]).toContain("style-src 'self'");
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(civilink.url))).toEqual([]);
    expect(policyViolations).toEqual([]);
    await page.context().close();
  });
});
