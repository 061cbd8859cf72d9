/**
 * PGlite on a data directory keeps what one process wrote for the next: three Node processes
 * open the same directory one after the other. The first writes (domain 2, contacts, links,
 * email syncs), the second reads it all back and writes a little more, the third reads again.
 * Each restart names another CMS for domain 1 than the one it was created with: the stored
 * domains win.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Domain } from "../../src/index.js";
import type { PgliteWorkerReport } from "./support/pglite-worker.js";
import { runWorker } from "./support/worker-process.js";

const anyDate = expect.any(String) as unknown as string;

describe("PGlite data directory across processes", () => {
  let root: string;
  let dataDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "civilink-pglite-"));
    // A directory that does not exist yet, under one that does not either: the store makes it.
    dataDir = join(root, "nested", "data");
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("a new process reads back what the previous one wrote, domains and CMS included", async () => {
    const written = await runWorker<PgliteWorkerReport>("pglite-worker.ts", ["write", dataDir]);
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);

    // What the first process wrote, read back by itself before closing.
    const { ada, acme, gone, nu } = written.contactIds as Record<string, number>;
    const after = written.after;
    const domain1: Domain = {
      id: 1,
      name: "Default",
      cms: "wordpress",
      syncCmsEmail: true,
      dedupeRule: { weights: { email: 10, firstName: 0, lastName: 0 }, threshold: 10 },
    };
    const domain2: Domain = {
      id: 2,
      name: "Second site",
      cms: "joomla",
      syncCmsEmail: false,
      dedupeRule: { weights: { email: 10, firstName: 5, lastName: 0 }, threshold: 15 },
    };
    expect(after.domains).toEqual([domain1, domain2]);
    expect(written.outcomes).toMatchObject({
      login5: { outcome: "created-contact", contactId: nu },
      registration6: { outcome: "linked-existing", contactId: ada },
      interaction6InDomain2: { outcome: "linked-existing", contactId: ada },
      login7InDomain2: { outcome: "ignored", reason: "cms-policy", link: null },
      profileUpdate5: { outcome: "email-synced", contactId: nu },
    });
    const link = (domainId: number, userId: number, contactId: number, ufName: string) => ({
      domainId,
      userId,
      contactId,
      ufName,
      createdAt: anyDate,
      updatedAt: anyDate,
    });
    expect(after.links).toEqual({
      1: [link(1, 5, nu!, "Nu@Y.org"), link(1, 6, ada!, "ada@lovelace.org")],
      2: [link(2, 6, ada!, "ada@x.org")],
    });
    expect(after.linkByUser).toEqual({
      "1:5": after.links[1]![0],
      "1:6": after.links[1]![1],
      "2:6": after.links[2]![0],
      "2:7": "LinkNotFound",
    });
    expect(after.contacts[ada!]).toEqual({
      id: ada,
      contactType: "Individual",
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
      emails: [
        { email: "ada@lovelace.org", isPrimary: true, locationType: "Home" },
        { email: "ada.work@x.org", isPrimary: false, locationType: "Work" },
      ],
      isDeleted: false,
      createdAt: anyDate,
    });
    expect(after.contacts[acme!]).toMatchObject({ contactType: "Organization", isDeleted: false });
    expect(after.contacts[gone!]).toMatchObject({ firstName: "Gone", isDeleted: true });
    expect(after.contacts[nu!]).toMatchObject({
      firstName: "Nu",
      lastName: "User",
      emails: [{ email: "nu@y.org", isPrimary: true, locationType: "Home" }],
    });
    expect(after.contactsByEmail).toEqual({
      "ada@x.org": [],
      "ada@lovelace.org": [ada],
      "ada.work@x.org": [ada],
      "info@acme.org": [acme],
      "gone@x.org": [gone],
      "new@x.org": [],
      "nu@y.org": [nu],
    });
    const entry = (
      domainId: number,
      userId: number,
      contactId: number,
      action: string,
      trigger: string,
    ) => ({
      at: anyDate,
      domainId,
      userId,
      contactId,
      action,
      trigger,
    });
    expect(after.audit).toEqual({
      1: [
        entry(1, 5, nu!, "created-contact", "login"),
        entry(1, 6, ada!, "linked-existing", "registration"),
        entry(1, 5, nu!, "email-synced", "profile-update"),
        entry(1, 6, ada!, "ufname-updated", "contact-update"),
      ],
      2: [entry(2, 6, ada!, "linked-existing", "interaction")],
    });
    expect(after.outbox[1]).toMatchObject([
      { type: "user.email-changed", domainId: 1, userId: 6, email: "ada@lovelace.org" },
    ]);
    expect(after.outbox[2]).toEqual([]);
    expect(after.users[2]).toMatchObject([
      { domainId: 2, userId: 6, email: "ada@x.org", contactId: ada },
      { domainId: 2, userId: 7, email: "seven@x.org", contactId: null },
    ]);

    // A second process on the same directory, naming no CMS: it finds everything as it was,
    // domain 1 still wordpress and domain 2 still a joomla site (its login links nobody).
    const reopened = await runWorker<PgliteWorkerReport>("pglite-worker.ts", [
      "reopen",
      dataDir,
      JSON.stringify(written.known),
    ]);
    expect(reopened.before).toEqual(written.after);
    expect(reopened.outcomes).toMatchObject({
      login5: { outcome: "already-linked", contactId: nu, link: after.links[1]![0] },
      login8InDomain2: { outcome: "ignored", reason: "cms-policy", link: null },
      login9: { outcome: "created-contact" },
    });
    // Ids go on from where the first process stopped.
    const nine = reopened.contactIds.nine!;
    expect(nine).toBeGreaterThan(Math.max(ada!, acme!, gone!, nu!));
    expect(reopened.after.domains).toEqual([domain1, domain2]);
    expect(reopened.after.audit[1]).toEqual([
      ...after.audit[1]!,
      entry(1, 9, nine, "created-contact", "login"),
    ]);
    expect(reopened.after.linkByUser["2:8"]).toBe("LinkNotFound");

    // A third one, naming drupal for domain 1, reads the second one's writes back too.
    const readAgain = await runWorker<PgliteWorkerReport>("pglite-worker.ts", [
      "read",
      dataDir,
      JSON.stringify(reopened.known),
    ]);
    expect(readAgain.before).toEqual(reopened.after);
    expect(readAgain.after).toEqual(reopened.after);
    expect(readAgain.after.domainById).toEqual([domain1, domain2]);
  }, 90_000);
});
