import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./server-process.js";

/**
 * The real server process on the embedded PGlite store, driven over HTTP only: §10
 * scenarios 1, 13-17 and 20-22, each checked through the API.
 */
const dataDir = mkdtempSync(join(tmpdir(), "civilink-blackbox-"));
let server: ServerProcess;

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminKey}`,
      ...(body === undefined ? {} : { "content-type": contentType }),
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

const login = (domainId: number, userId: number, profile: object) =>
  call("POST", `/v1/domains/${domainId}/users/${userId}/logged-in`, profile);

async function syncToEnd(domainId: number) {
  const started = await call("POST", `/v1/domains/${domainId}/sync`, {});
  expect(started.status).toBe(202);
  const location = started.headers.get("location") as string;
  expect(location).toBe(`/v1/sync-jobs/${started.body.id}`);
  for (let poll = 0; poll < 200; poll++) {
    const job = await call("GET", location);
    if (job.body.status !== "running") return job.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the sync did not end");
}

beforeAll(async () => {
  server = await startServerProcess({ CIVILINK_DATA_DIR: dataDir });
  expect(server.adminKey).toMatch(/^\S{20,}$/);
}, 90_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("Behaviour scenarios over HTTP against the real server on PGlite", () => {
  it("1. a login with an unknown email creates one Individual with that primary email, linked", async () => {
    const answer = await login(1, 5, { email: "a@x.org" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: "created-contact",
      link: { userId: 5, ufName: "a@x.org" },
    });
    const contact = await call("GET", `/v1/contacts/${answer.body.contactId}`);
    expect(contact.body).toMatchObject({
      contactType: "Individual",
      emails: [{ email: "a@x.org", isPrimary: true, locationType: "Home" }],
      isDeleted: false,
    });
    const link = await call("GET", "/v1/domains/1/users/5/link");
    expect(link.body.contactId).toBe(answer.body.contactId);
  });

  it("13-14. a sync reports the summary of §9, and a re-run finds and creates as §9 says", async () => {
    expect((await call("PUT", "/v1/domains/2", { name: "Site two", cms: "drupal" })).status).toBe(
      200,
    );
    await call("POST", "/v1/contacts", { emails: [{ email: "match@x.org" }] });
    expect((await login(2, 1, { email: "linked@x.org" })).body.outcome).toBe("created-contact");
    const imported = await call(
      "POST",
      "/v1/domains/2/users/import",
      [
        { userId: 2, email: "match@x.org" },
        { userId: 3, email: "new@x.org" },
        { userId: 4, username: "no-email" },
      ]
        .map((line) => JSON.stringify(line))
        .join("\n"),
      "application/x-ndjson",
    );
    expect(imported.body).toMatchObject({ imported: 3, updated: 0, rejected: [] });
    const first = await syncToEnd(2);
    expect(first).toMatchObject({
      status: "succeeded",
      dryRun: false,
      finishedAt: expect.any(String),
    });
    expect(first.report).toEqual({
      checked: 4,
      alreadyLinked: 1,
      matched: 1,
      created: 1,
      skipped: 1,
      failed: 0,
    });
    expect(first.message).toBe(
      "Checked 4 user records. Found 2 matching contact records. Created 1 new contact record. Skipped 1 user without a valid email.",
    );
    const second = await syncToEnd(2);
    expect(second.message).toBe(
      "Checked 4 user records. Found 3 matching contact records. Created 0 new contact records. Skipped 1 user without a valid email.",
    );
    const users = await call("GET", "/v1/domains/2/users");
    expect(
      users.body.users.map((user: { contactId: number | null }) => user.contactId !== null),
    ).toEqual([true, true, true, false]);
  });

  it("15. a Joomla user is not linked at registration or login, but is when editing a profile", async () => {
    expect((await call("PUT", "/v1/domains/3", { cms: "joomla" })).body).toMatchObject({
      id: 3,
      cms: "joomla",
      name: "Domain 3",
    });
    const registered = await call("POST", "/v1/domains/3/users/7/registered", {
      email: "j@x.org",
      name: "Doe, Jane",
    });
    expect(registered.body).toEqual({
      outcome: "ignored",
      reason: "cms-policy",
      link: null,
      contactId: null,
    });
    expect((await login(3, 7, { email: "j@x.org" })).body).toMatchObject({
      outcome: "ignored",
      link: null,
    });
    const edited = await call("POST", "/v1/domains/3/users/7/interactions", {
      kind: "profile",
      user: {},
    });
    expect(edited.body).toMatchObject({
      outcome: "created-contact",
      link: { domainId: 3, userId: 7 },
    });
    const contact = await call("GET", `/v1/contacts/${edited.body.contactId}`);
    expect(contact.body).toMatchObject({ firstName: "Jane", lastName: "Doe" });
  });

  it("16. a Joomla visitor's donation creates a contact that the account is later linked to", async () => {
    const donation = await call("POST", "/v1/domains/3/interactions", {
      kind: "contribution",
      email: "d@x.org",
    });
    expect(donation.body).toMatchObject({ outcome: "contact-created", link: null });
    const later = await call("POST", "/v1/domains/3/users/8/interactions", {
      kind: "event",
      user: { email: "d@x.org" },
    });
    expect(later.body).toMatchObject({
      outcome: "linked-existing",
      contactId: donation.body.contactId,
    });
  });

  it("17. a Drupal user's new email becomes the ufName and the contact's primary email in place", async () => {
    const linked = await login(1, 17, { email: "c17@x.org" });
    const changed = await call("PUT", "/v1/domains/1/users/17", { email: "B@Y.org" });
    expect(changed.body).toMatchObject({ outcome: "email-synced", link: { ufName: "B@Y.org" } });
    const contact = await call("GET", `/v1/contacts/${linked.body.contactId}`);
    expect(contact.body.emails).toEqual([
      { email: "b@y.org", isPrimary: true, locationType: "Home" },
    ]);
  });

  it("20. a contact's new primary email reaches the CMS through ufName and the outbox; a taken one only the audit", async () => {
    const linked = await login(1, 20, { email: "c20@x.org" });
    const patched = await call("PATCH", `/v1/contacts/${linked.body.contactId}`, {
      primaryEmail: "n@x.org",
    });
    expect(patched.status).toBe(200);
    expect((await call("GET", "/v1/domains/1/users/20/link")).body.ufName).toBe("n@x.org");
    const outbox = await call("GET", "/v1/domains/1/outbox");
    expect(outbox.body.events).toContainEqual(
      expect.objectContaining({
        type: "user.email-changed",
        domainId: 1,
        userId: 20,
        email: "n@x.org",
      }),
    );
    const other = await login(1, 21, { email: "taken@x.org" });
    await call("PATCH", `/v1/contacts/${other.body.contactId}`, { primaryEmail: "n@x.org" });
    expect((await call("GET", "/v1/domains/1/users/21/link")).body.ufName).toBe("taken@x.org");
    const audit = await call("GET", "/v1/domains/1/audit?userId=21");
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
      "created-contact",
      "conflict",
    ]);
  });

  it("21-22. a deleted user loses the link in that domain only; a linked contact cannot be trashed", async () => {
    const first = await login(1, 30, { email: "both@x.org" });
    await login(2, 30, { email: "both@x.org" });
    expect((await call("DELETE", `/v1/contacts/${first.body.contactId}`)).body.error.kind).toBe(
      "ContactIsLinked",
    );
    expect((await call("DELETE", "/v1/domains/1/users/30")).body.outcome).toBe("unlinked");
    expect((await call("GET", "/v1/domains/1/users/30/link")).body.error.kind).toBe("LinkNotFound");
    expect((await call("GET", "/v1/domains/2/users/30/link")).body.contactId).toBe(
      first.body.contactId,
    );
    const contact = await call("GET", `/v1/contacts/${first.body.contactId}`);
    expect(contact.body.isDeleted).toBe(false);
  });
});
