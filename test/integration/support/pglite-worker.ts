/**
 * One process of the PGlite persistence test (test/integration/pglite-persistence.test.ts).
 * Run as `node --import tsx pglite-worker.ts <mode> <dataDir> [known JSON]`; prints one JSON
 * line (a PgliteWorkerReport) and closes the store before it exits.
 *
 * - `write`: a civilink on a new data directory (domain 1 wordpress) puts domain 2, creates
 *   and trashes contacts, links users and syncs emails both ways.
 * - `reopen`: opens the directory again without naming a CMS (the default would be drupal),
 *   reads everything back, then links two more users.
 * - `read`: opens it a third time, naming drupal, and only reads.
 */
import type { ResultAsync } from "neverthrow";
import {
  type AuditEntry,
  type Civilink,
  type Contact,
  createCivilink,
  type Domain,
  type Link,
  type OutboxEvent,
  type Outcome,
} from "../../../src/index.js";

export type PgliteWorkerMode = "write" | "reopen" | "read";

/** What a snapshot reads back: the contacts, users and emails the writes touched. */
export interface Known {
  contactIds: number[];
  users: { domainId: number; userId: number }[];
  emails: string[];
}

export interface Snapshot {
  domains: Domain[];
  domainById: Domain[];
  links: Record<string, Link[]>;
  linkByUser: Record<string, Link | string>;
  contacts: Record<string, Contact | string>;
  contactsByEmail: Record<string, number[]>;
  audit: Record<string, AuditEntry[]>;
  outbox: Record<string, OutboxEvent[]>;
  users: Record<string, unknown[]>;
}

export interface PgliteWorkerReport {
  mode: PgliteWorkerMode;
  outcomes: Record<string, Outcome>;
  contactIds: Record<string, number>;
  known: Known;
  /** Read before this process wrote anything (equal to what the previous process left). */
  before: Snapshot | null;
  /** Read after this process's writes. */
  after: Snapshot;
}

/** What a mode wrote, and what to read back after it. */
type Written = Pick<PgliteWorkerReport, "outcomes" | "contactIds" | "known">;

const [modeArg, dataDir, knownArg] = process.argv.slice(2);
if ((modeArg !== "write" && modeArg !== "reopen" && modeArg !== "read") || !dataDir) {
  throw new Error("usage: pglite-worker.ts write|reopen|read <dataDir> [known JSON]");
}
const mode: PgliteWorkerMode = modeArg;

async function value<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`${mode}: ${JSON.stringify(settled.error)}`);
  return settled.value;
}

/** The value, or the error kind as a string, so that a missing row shows in the comparison. */
async function valueOrKind<T, E extends { kind: string }>(
  result: ResultAsync<T, E>,
): Promise<T | string> {
  const settled = await result;
  return settled.isOk() ? settled.value : settled.error.kind;
}

async function snapshot(civilink: Civilink, known: Known): Promise<Snapshot> {
  const domains = await value(civilink.listDomains.execute());
  const domainIds = domains.map((domain) => domain.id);
  const perDomain = async <T>(read: (domainId: number) => Promise<T>) =>
    Object.fromEntries(
      await Promise.all(domainIds.map(async (domainId) => [domainId, await read(domainId)])),
    ) as Record<string, T>;
  const limit = 1000;
  return {
    domains,
    domainById: await Promise.all(
      domainIds.map((domainId) => value(civilink.getDomain.execute({ domainId }))),
    ),
    links: await perDomain(
      async (domainId) => (await value(civilink.listLinks.execute({ domainId, limit }))).items,
    ),
    linkByUser: Object.fromEntries(
      await Promise.all(
        known.users.map(async (user) => [
          `${user.domainId}:${user.userId}`,
          await valueOrKind(civilink.getLink.execute(user)),
        ]),
      ),
    ),
    contacts: Object.fromEntries(
      await Promise.all(
        known.contactIds.map(async (contactId) => [
          contactId,
          await valueOrKind(civilink.getContact.execute({ contactId })),
        ]),
      ),
    ),
    contactsByEmail: Object.fromEntries(
      await Promise.all(
        known.emails.map(async (email) => [
          email,
          (await value(civilink.findContactsByEmail.execute({ email, includeDeleted: true }))).map(
            (contact) => contact.id,
          ),
        ]),
      ),
    ),
    audit: await perDomain(
      async (domainId) => (await value(civilink.listAudit.execute({ domainId, limit }))).items,
    ),
    outbox: await perDomain(
      async (domainId) => (await value(civilink.listOutbox.execute({ domainId, limit }))).items,
    ),
    users: await perDomain(
      async (domainId) => (await value(civilink.listUsers.execute({ domainId, limit }))).items,
    ),
  };
}

async function write(civilink: Civilink): Promise<Written> {
  await value(
    civilink.putDomain.execute({
      domainId: 2,
      definition: {
        name: "Second site",
        cms: "joomla",
        syncCmsEmail: false,
        dedupeRule: { weights: { email: 10, firstName: 5 }, threshold: 15 },
      },
    }),
  );
  const ada = await value(
    civilink.createContact.execute({
      firstName: "Ada",
      lastName: "Lovelace",
      emails: [
        { email: "Ada@X.org", isPrimary: true },
        { email: "ada.work@x.org", locationType: "Work" },
      ],
    }),
  );
  const acme = await value(
    civilink.createContact.execute({
      contactType: "Organization",
      displayName: "Acme",
      emails: [{ email: "info@acme.org" }],
    }),
  );
  const gone = await value(
    civilink.createContact.execute({ firstName: "Gone", emails: [{ email: "gone@x.org" }] }),
  );
  await value(civilink.trashContact.execute({ contactId: gone.id }));

  const outcomes: Record<string, Outcome> = {
    login5: await value(
      civilink.linkOnLogin.execute({
        domainId: 1,
        userId: 5,
        profile: { email: " New@X.org ", firstName: "Nu", lastName: "User" },
      }),
    ),
    registration6: await value(
      civilink.linkOnRegistration.execute({
        domainId: 1,
        userId: 6,
        profile: { email: "ADA@x.org", username: "ada" },
      }),
    ),
    interaction6InDomain2: await value(
      civilink.linkOnInteraction.execute({
        domainId: 2,
        userId: 6,
        kind: "contribution",
        profile: { email: "ada@x.org", firstName: "Ada" },
      }),
    ),
    login7InDomain2: await value(
      civilink.linkOnLogin.execute({ domainId: 2, userId: 7, profile: { email: "seven@x.org" } }),
    ),
    profileUpdate5: await value(
      civilink.syncUserEmail.execute({ domainId: 1, userId: 5, profile: { email: "Nu@Y.org" } }),
    ),
  };
  await value(civilink.syncContactEmail.execute({ contactId: ada.id, email: "ada@lovelace.org" }));

  const nu = outcomes.login5!.contactId!;
  return {
    outcomes,
    contactIds: { ada: ada.id, acme: acme.id, gone: gone.id, nu },
    known: {
      contactIds: [ada.id, acme.id, gone.id, nu],
      users: [
        { domainId: 1, userId: 5 },
        { domainId: 1, userId: 6 },
        { domainId: 2, userId: 6 },
        { domainId: 2, userId: 7 },
      ],
      emails: [
        "ada@x.org",
        "ada@lovelace.org",
        "ada.work@x.org",
        "info@acme.org",
        "gone@x.org",
        "new@x.org",
        "nu@y.org",
      ],
    },
  };
}

async function reopen(civilink: Civilink, known: Known): Promise<Written> {
  const outcomes: Record<string, Outcome> = {
    login5: await value(
      civilink.linkOnLogin.execute({ domainId: 1, userId: 5, profile: { email: "Nu@Y.org" } }),
    ),
    login8InDomain2: await value(
      civilink.linkOnLogin.execute({ domainId: 2, userId: 8, profile: { email: "eight@x.org" } }),
    ),
    login9: await value(
      civilink.linkOnLogin.execute({ domainId: 1, userId: 9, profile: { email: "nine@x.org" } }),
    ),
  };
  const nine = outcomes.login9!.contactId!;
  return {
    outcomes,
    contactIds: { nine },
    known: {
      contactIds: [...known.contactIds, nine],
      users: [...known.users, { domainId: 2, userId: 8 }, { domainId: 1, userId: 9 }],
      emails: [...known.emails, "eight@x.org", "nine@x.org"],
    },
  };
}

const civilink =
  mode === "write"
    ? createCivilink({ store: "pglite", dataDir, cms: "wordpress" })
    : mode === "reopen"
      ? createCivilink({ store: "pglite", dataDir })
      : createCivilink({ store: "pglite", dataDir, cms: "drupal" });
try {
  const given = knownArg ? (JSON.parse(knownArg) as Known) : null;
  const before = given ? await snapshot(civilink, given) : null;
  const written: Written =
    mode === "write"
      ? await write(civilink)
      : mode === "reopen"
        ? await reopen(civilink, given!)
        : { outcomes: {}, contactIds: {}, known: given! };
  const report: PgliteWorkerReport = {
    mode,
    ...written,
    before,
    after: await snapshot(civilink, written.known),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await civilink.close();
}
