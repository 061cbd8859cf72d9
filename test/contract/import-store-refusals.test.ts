import { randomBytes } from "node:crypto";
import knex from "knex";
import type { ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import {
  type Civilink,
  type CmsUser,
  createCivilink,
  type ImportRow,
  StoreUnavailableError,
} from "../../src/index.js";
import { type FailWhen, FaultyStore } from "../support/faulty-store.js";
import {
  migratedPglite,
  postgresTestStore,
  shouldRun,
  TEST_DATABASE_URL,
} from "../support/test-stores.js";

/**
 * A store that refuses to write one user (a database constraint or trigger its administrator
 * added, a fault) costs the import that user's line only: the batch holding it is written
 * again user by user, and every other line of the batch and of the input is kept.
 */

const REFUSED_USER = 1002;

/** A database trigger refusing the user REFUSED_USER, in `schema` (PostgreSQL) or the default. */
const refusingTrigger = (schema?: string) => {
  const table = schema ? `"${schema}".users` : "users";
  const fn = schema ? `"${schema}".refuse_user` : "refuse_user";
  return `
    create function ${fn}() returns trigger language plpgsql as $$
    begin
      if new.user_id = ${REFUSED_USER} then raise exception 'user ${REFUSED_USER} is refused'; end if;
      return new;
    end $$;
    create trigger refuse_user before insert or update on ${table}
      for each row execute function ${fn}();`;
};

interface RefusingStore {
  civilink: Civilink;
  close(): Promise<void>;
}

const STORES: { name: string; run: () => Promise<boolean>; open: () => Promise<RefusingStore> }[] =
  [
    {
      name: "memory",
      run: async () => true,
      open: async () => {
        const failWhen: FailWhen = ({ method, args }) =>
          method === "putMany" &&
          (args[0] as CmsUser[]).some((user) => user.userId === REFUSED_USER)
            ? new Error(`user ${REFUSED_USER} is refused`)
            : null;
        const civilink = createCivilink({
          store: "memory",
          wrapStore: (store) => new FaultyStore(store, { failWhen }),
        });
        return { civilink, close: () => civilink.close() };
      },
    },
    {
      name: "pglite",
      run: async () => true,
      open: async () => {
        const pglite = await migratedPglite();
        await pglite.exec(refusingTrigger());
        const civilink = createCivilink({ store: "pglite", pglite });
        return { civilink, close: () => civilink.close() };
      },
    },
    {
      name: "postgres",
      run: () => shouldRun(postgresTestStore),
      open: async () => {
        const schema = `refusals_${randomBytes(4).toString("hex")}`;
        const civilink = createCivilink({ store: "postgres", url: TEST_DATABASE_URL, schema });
        const prepared = await civilink.store.prepare();
        if (prepared.isErr()) throw new Error(prepared.error.message);
        const admin = knex({
          client: "pg",
          connection: TEST_DATABASE_URL,
          pool: { min: 0, max: 1 },
        });
        await admin.raw(refusingTrigger(schema));
        return {
          civilink,
          close: async () => {
            await civilink.close();
            await admin.raw("drop schema if exists ?? cascade", [schema]);
            await admin.destroy();
          },
        };
      },
    },
  ];

async function successOf<T, E>(result: ResultAsync<T, E>): Promise<T> {
  const settled = await result;
  if (settled.isErr()) throw new Error(`Expected success, got ${JSON.stringify(settled.error)}`);
  return settled.value;
}

/** Every user id of domain 1's directory, page after page. */
async function userIdsOf(civilink: Civilink): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: CmsUser[]; nextCursor: string | null } = await successOf(
      civilink.listUsers.execute({ domainId: 1, limit: 1000, ...(cursor ? { cursor } : {}) }),
    );
    ids.push(...page.items.map((user) => user.userId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

/** Lines that are not valid: one before the refused user, one after it in the same batch. */
const INVALID_LINES = [3, 1500];

/** Users 1 to `count`, one a line, but for the lines that are not valid. */
async function* exportOf(count: number): AsyncGenerator<ImportRow> {
  for (let line = 1; line <= count; line++) {
    yield INVALID_LINES.includes(line)
      ? { line, error: "not valid JSON" }
      : { line, user: { userId: line, email: `u${line}@x.org` } };
  }
}

for (const store of STORES) {
  describe.runIf(await store.run())(`an import on ${store.name} refusing one user`, () => {
    it("rejects the refused user's line and keeps every other line, of its batch too", async () => {
      const { civilink, close } = await store.open();
      try {
        const result = await successOf(
          civilink.importUsers.execute({ domainId: 1, rows: exportOf(2500) }),
        );
        expect(result).toEqual({
          imported: 2497,
          updated: 0,
          rejected: [
            { line: 3, error: "not valid JSON" },
            { line: REFUSED_USER, error: "the store refused to write this user." },
            { line: 1500, error: "not valid JSON" },
          ],
          rejectedCount: 3,
        });
        const expected = Array.from({ length: 2500 }, (_, index) => index + 1).filter(
          (userId) => !INVALID_LINES.includes(userId) && userId !== REFUSED_USER,
        );
        expect(await userIdsOf(civilink)).toEqual(expected);

        const again = await successOf(
          civilink.importUsers.execute({ domainId: 1, rows: exportOf(2500) }),
        );
        expect(again).toMatchObject({ imported: 0, updated: 2497, rejectedCount: 3 });
      } finally {
        await close();
      }
    });
  });
}

describe("an import whose store goes away", () => {
  it("still stops with StoreUnavailable, without writing the batch user by user", async () => {
    const calls: number[] = [];
    const failWhen: FailWhen = ({ method, args }) => {
      if (method !== "putMany") return null;
      calls.push((args[0] as CmsUser[]).length);
      return new StoreUnavailableError("gone");
    };
    const civilink = createCivilink({
      store: "memory",
      wrapStore: (store) => new FaultyStore(store, { failWhen }),
    });
    const result = await civilink.importUsers.execute({ domainId: 1, rows: exportOf(10) });
    expect(result._unsafeUnwrapErr()).toMatchObject({ kind: "StoreUnavailable" });
    expect(calls).toEqual([9]);
  });
});
