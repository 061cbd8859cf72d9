import { describe, expect, it } from "vitest";
import {
  IMPORT_BATCH_SIZE,
  ImportInputError,
  type ImportRow,
  MAX_REJECTIONS_LISTED,
  StoreUnavailableError,
  type UserProfile,
} from "../../../src/index.js";
import { expectErr, expectOk } from "../../support/results.js";
import { linksOf, login, putDomain, usersOf } from "../../support/use-case-calls.js";
import { BAD_IDS, expectInvalid, harness } from "./helpers.js";

const row = (line: number, userId: number, profile: UserProfile = {}): ImportRow => ({
  line,
  user: { userId, ...profile },
});

/** The rows as a lazy input that records how far it was read and whether it was closed. */
function input(rows: Iterable<ImportRow>) {
  const state = { pulled: 0, closed: false };
  async function* source() {
    try {
      for (const each of rows) {
        state.pulled++;
        yield each;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, rows: source() };
}

function* numbered(count: number, from = 1): Generator<ImportRow> {
  for (let userId = from; userId < from + count; userId++) {
    yield row(userId - from + 1, userId, { email: `u${userId}@x.org` });
  }
}

describe("ImportUsers", () => {
  it("imports new users and replaces existing ones whole", async () => {
    const { app } = harness();
    await login(app, 1, 5, { email: "old@x.org", username: "old", firstName: "Old" });
    const { rows } = input([
      row(1, 3, { email: "c@x.org", username: "carl", firstName: "Carl", lastName: "Lund" }),
      row(2, 5, { email: "new@x.org" }),
      row(3, 9, { name: "Nine" }),
    ]);
    const result = await expectOk(app.importUsers.execute({ domainId: 1, rows }));
    expect(result).toEqual({ imported: 2, updated: 1, rejected: [], rejectedCount: 0 });
    const users = await usersOf(app, 1);
    expect(users).toEqual([
      {
        domainId: 1,
        userId: 3,
        email: "c@x.org",
        username: "carl",
        firstName: "Carl",
        lastName: "Lund",
        contactId: null,
      },
      { domainId: 1, userId: 5, email: "new@x.org", contactId: expect.any(Number) },
      { domainId: 1, userId: 9, name: "Nine", contactId: null },
    ]);
  });

  it("only writes the directory: no linking, no email sync, no audit", async () => {
    const { app } = harness();
    await login(app, 1, 5, { email: "a@x.org" });
    const linksBefore = await linksOf(app, 1);
    const { rows } = input([
      row(1, 5, { email: "changed@x.org" }),
      row(2, 6, { email: "b@x.org" }),
    ]);
    await expectOk(app.importUsers.execute({ domainId: 1, rows }));
    expect(await linksOf(app, 1)).toEqual(linksBefore);
    expect(linksBefore[0]?.ufName).toBe("a@x.org");
    const audit = await expectOk(app.listAudit.execute({ domainId: 1, limit: 100 }));
    expect(audit.items).toHaveLength(1);
  });

  it("counts a user given twice as imported once and updated once, the last line winning", async () => {
    const { app } = harness();
    const { rows } = input([
      row(1, 4, { email: "first@x.org" }),
      row(2, 4, { username: "second" }),
      row(3, 2),
    ]);
    const result = await expectOk(app.importUsers.execute({ domainId: 1, rows }));
    expect(result).toMatchObject({ imported: 2, updated: 1, rejectedCount: 0 });
    expect(await usersOf(app, 1)).toEqual([
      { domainId: 1, userId: 2, contactId: null },
      { domainId: 1, userId: 4, username: "second", contactId: null },
    ]);
  });

  it("rejects invalid lines with their reason and keeps the good ones", async () => {
    const { app } = harness();
    const rows: ImportRow[] = [
      row(1, 1, { email: "a@x.org" }),
      { line: 2, error: "not valid JSON: Unexpected token" },
      { line: 4, user: { userId: 0 } },
      { line: 5, user: { userId: 7, email: 42 } } as unknown as ImportRow,
      { line: 6, user: { userId: 8, nickname: "n" } } as unknown as ImportRow,
      { line: 7, user: { userId: 9, lastName: "x".repeat(1001) } },
      { line: 8, user: { userId: 10, domainId: 2 } } as unknown as ImportRow,
      { line: 9, user: null } as unknown as ImportRow,
      row(10, 2),
    ];
    const result = await expectOk(app.importUsers.execute({ domainId: 1, rows: input(rows).rows }));
    expect(result).toEqual({
      imported: 2,
      updated: 0,
      rejected: [
        { line: 2, error: "not valid JSON: Unexpected token" },
        { line: 4, error: "userId must be a positive integer." },
        { line: 5, error: "email must be a string." },
        { line: 6, error: expect.stringMatching(/^"nickname" is not a known field/) },
        { line: 7, error: "lastName must be at most 1000 characters." },
        { line: 8, error: expect.stringMatching(/^"domainId" is not a known field/) },
        { line: 9, error: "must be a JSON object with a userId" },
      ],
      rejectedCount: 7,
    });
    expect((await usersOf(app, 1)).map((user) => user.userId)).toEqual([1, 2]);
  });

  it("lists the first 1000 rejected lines and counts them all", async () => {
    const { app } = harness();
    function* rows(): Generator<ImportRow> {
      for (let line = 1; line <= 2500; line++) {
        yield line % 2 === 0 ? row(line, line) : { line, error: `bad ${line}` };
      }
    }
    const result = await expectOk(
      app.importUsers.execute({ domainId: 1, rows: input(rows()).rows }),
    );
    expect(result.imported).toBe(1250);
    expect(result.rejectedCount).toBe(1250);
    expect(result.rejected).toHaveLength(MAX_REJECTIONS_LISTED);
    expect(result.rejected[0]).toEqual({ line: 1, error: "bad 1" });
    expect(result.rejected.at(-1)).toEqual({ line: 1999, error: "bad 1999" });
  });

  it("lists a user the store refused among the first 1000 rejected lines, in line order", async () => {
    const h = harness();
    h.fault = (call) =>
      call.method === "putMany" &&
      (call.args[0] as { userId: number }[]).some((u) => u.userId === 1)
        ? new Error("refused")
        : null;
    // The refused user's line comes first, but the store refuses it only once its batch is
    // full, after 1099 rejected lines have been listed (1000 of them) and counted.
    function* rows(): Generator<ImportRow> {
      yield row(1, 1);
      for (let line = 2; line <= 1100; line++) yield { line, error: `bad ${line}` };
      for (let line = 1101; line <= 2099; line++) yield row(line, line);
    }
    const result = await expectOk(
      h.app.importUsers.execute({ domainId: 1, rows: input(rows()).rows }),
    );
    expect(result.imported).toBe(999);
    expect(result.rejectedCount).toBe(1100);
    expect(result.rejected).toHaveLength(MAX_REJECTIONS_LISTED);
    expect(result.rejected[0]).toEqual({ line: 1, error: "the store refused to write this user." });
    expect(result.rejected[1]).toEqual({ line: 2, error: "bad 2" });
    expect(result.rejected.at(-1)).toEqual({ line: 1000, error: "bad 1000" });
  });

  it("shortens a very long error message", async () => {
    const { app } = harness();
    const { rows } = input([{ line: 1, error: "e".repeat(5000) }]);
    const result = await expectOk(app.importUsers.execute({ domainId: 1, rows }));
    expect(result.rejected[0]?.error.length).toBeLessThanOrEqual(501);
  });

  it("writes in batches of 1000 users, each in its own transaction, reading as it goes", async () => {
    const h = harness();
    let pulledAtWrite: number[] = [];
    const source = input(numbered(2500));
    h.fault = (call) => {
      if (call.method === "putMany") pulledAtWrite.push(source.state.pulled);
      return null;
    };
    const result = await expectOk(h.app.importUsers.execute({ domainId: 1, rows: source.rows }));
    expect(result).toEqual({ imported: 2500, updated: 0, rejected: [], rejectedCount: 0 });
    const batches = h.calls
      .filter((call) => call.method === "putMany")
      .map((call) => (call.args[0] as unknown[]).length);
    expect(batches).toEqual([IMPORT_BATCH_SIZE, IMPORT_BATCH_SIZE, 500]);
    // Each batch is written as soon as it is full: the input is never read ahead.
    expect(pulledAtWrite).toEqual([1000, 2000, 2500]);
    pulledAtWrite = [];
    const again = input(numbered(2500));
    const second = await expectOk(h.app.importUsers.execute({ domainId: 1, rows: again.rows }));
    expect(second).toMatchObject({ imported: 0, updated: 2500 });
    const first = await expectOk(h.app.listUsers.execute({ domainId: 1, limit: 1 }));
    expect(first.items).toEqual([{ domainId: 1, userId: 1, email: "u1@x.org", contactId: null }]);
  });

  it("reports progress after every batch and at the end; a throwing callback is ignored", async () => {
    const { app } = harness();
    const seen: number[] = [];
    function* rows(): Generator<ImportRow> {
      yield* numbered(1500);
      yield { line: 1502, error: "bad" };
      yield row(1503, 9999);
    }
    const result = await expectOk(
      app.importUsers.execute({
        domainId: 1,
        rows: input(rows()).rows,
        onProgress: (linesRead) => {
          seen.push(linesRead);
          throw new Error("display broke");
        },
      }),
    );
    expect(result).toMatchObject({ imported: 1501, rejectedCount: 1 });
    expect(seen).toEqual([1000, 1503]);
  });

  it("reports progress while reading only rejected lines", async () => {
    const { app } = harness();
    const seen: number[] = [];
    function* rows(): Generator<ImportRow> {
      for (let line = 1; line <= 2100; line++) yield { line, error: "bad" };
    }
    await expectOk(
      app.importUsers.execute({
        domainId: 1,
        rows: input(rows()).rows,
        onProgress: (lines) => seen.push(lines),
      }),
    );
    expect(seen).toEqual([1000, 2000, 2100]);
  });

  it("answers DomainNotFound for a missing domain without reading the rows", async () => {
    const { app } = harness();
    const source = input(numbered(10));
    const error = await expectErr(app.importUsers.execute({ domainId: 42, rows: source.rows }));
    expect(error).toMatchObject({ kind: "DomainNotFound", domainId: 42 });
    expect(source.state.pulled).toBe(0);
  });

  it("imports into the domain given, leaving other domains alone", async () => {
    const { app } = harness();
    await putDomain(app, 2, { cms: "joomla" });
    await expectOk(app.importUsers.execute({ domainId: 2, rows: input(numbered(3)).rows }));
    expect(await usersOf(app, 1)).toEqual([]);
    expect((await usersOf(app, 2)).map((user) => [user.domainId, user.userId])).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
  });

  it.each(BAD_IDS)("refuses the domain id %s", async (domainId) => {
    const { app } = harness();
    const paths = await expectInvalid(
      app.importUsers.execute({ domainId, rows: input(numbered(1)).rows }),
    );
    expect(paths).toEqual(["domainId"]);
  });

  it("stops at a store failure, keeping the batches written and closing the input", async () => {
    const h = harness();
    let writes = 0;
    h.fault = (call) =>
      call.method === "putMany" && ++writes === 2 ? new StoreUnavailableError("gone") : null;
    const source = input(numbered(5000));
    const error = await expectErr(h.app.importUsers.execute({ domainId: 1, rows: source.rows }));
    expect(error.kind).toBe("StoreUnavailable");
    expect(source.state.closed).toBe(true);
    expect(source.state.pulled).toBe(2000);
    expect(await h.store.ping()).toBe(true);
    const count = await expectOk(h.app.listUsers.execute({ domainId: 1, limit: 1000 }));
    expect(count.items).toHaveLength(1000);
    expect(count.nextCursor).toBeNull();
  });

  it("answers ValidationFailed with the reason when the input as a whole cannot be read", async () => {
    const { app } = harness();
    async function* badHeader(): AsyncGenerator<ImportRow> {
      yield* [];
      throw new ImportInputError("The CSV header must name columns among …");
    }
    const error = await expectErr(app.importUsers.execute({ domainId: 1, rows: badHeader() }));
    expect(error).toEqual({
      kind: "ValidationFailed",
      message: "The CSV header must name columns among …",
      details: [{ path: "input", message: "The CSV header must name columns among …" }],
    });
  });

  it("answers ValidationFailed without internals when the input breaks while being read", async () => {
    const { app } = harness();
    async function* broken(): AsyncGenerator<ImportRow> {
      yield* numbered(1500);
      throw new Error("ECONNRESET at /srv/secret/path");
    }
    const error = await expectErr(app.importUsers.execute({ domainId: 1, rows: broken() }));
    expect(error).toMatchObject({
      kind: "ValidationFailed",
      message: "The import input could not be read.",
    });
    expect(JSON.stringify(error)).not.toContain("secret");
    // The complete batch before the break was written; the unfinished one was not.
    expect(await usersOf(app, 1)).toHaveLength(1000);
  });

  it("imports nothing from no rows", async () => {
    const { app, calls } = harness();
    const result = await expectOk(app.importUsers.execute({ domainId: 1, rows: input([]).rows }));
    expect(result).toEqual({ imported: 0, updated: 0, rejected: [], rejectedCount: 0 });
    expect(calls.filter((call) => call.method === "putMany")).toEqual([]);
  });
});
