import { describe, expect, it } from "vitest";
import type { ContactId, DomainId, UserId } from "../../../src/domain/index.js";
import { parseId } from "../../../src/domain/index.js";

/** Compiles only while ids of different kinds do not mix; `npm test` type-checks this file. */
function findLink(domainId: DomainId, userId: UserId): [DomainId, UserId] {
  return [domainId, userId];
}

describe("ids of different kinds", () => {
  it("do not mix, while a number the edges parsed is accepted as its kind", () => {
    const domainId = parseId("domain", "1")._unsafeUnwrap();
    const userId = parseId("user", "42")._unsafeUnwrap();
    const contactId: ContactId = parseId("contact", "7")._unsafeUnwrap();
    expect(findLink(domainId, userId)).toEqual([1, 42]);
    // @ts-expect-error a user id is not a domain id: swapped arguments do not compile
    findLink(userId, domainId);
    // @ts-expect-error a contact id is not a user id
    const wrong: UserId = contactId;
    expect(wrong).toBe(7);
  });
});
