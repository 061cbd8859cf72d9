import { describe, expect, it } from "vitest";
import { type CmsUser, mergeUser } from "../../../src/domain/cms-user.js";
import { profileOf } from "../support/profile-of.js";

const stored: CmsUser = {
  domainId: 1,
  userId: 5,
  email: "a@x.org",
  username: "ann",
  firstName: "Ann",
};

describe("mergeUser", () => {
  it("creates a new user, changed", () => {
    expect(mergeUser(null, 2, 7, { email: "b@x.org" })).toEqual({
      user: { domainId: 2, userId: 7, email: "b@x.org" },
      changed: true,
    });
  });

  it("a new user with an empty profile is still changed", () => {
    expect(mergeUser(null, 2, 7, {})).toEqual({
      user: { domainId: 2, userId: 7 },
      changed: true,
    });
  });

  it("replaces present fields and keeps absent ones", () => {
    const { user, changed } = mergeUser(stored, 1, 5, { email: "B@x.org", lastName: "Lee" });
    expect(changed).toBe(true);
    expect(user).toEqual({
      domainId: 1,
      userId: 5,
      email: "B@x.org",
      username: "ann",
      firstName: "Ann",
      lastName: "Lee",
    });
  });

  it("is unchanged when every present field is equal", () => {
    expect(mergeUser(stored, 1, 5, { email: "a@x.org", firstName: "Ann" })).toEqual({
      user: stored,
      changed: false,
    });
  });

  it("is unchanged for an empty profile", () => {
    expect(mergeUser(stored, 1, 5, {}).changed).toBe(false);
  });

  it("treats a change of case as a change of the stored value", () => {
    expect(mergeUser(stored, 1, 5, { email: "A@x.org" }).changed).toBe(true);
  });

  it("does not change the stored user", () => {
    const copy = structuredClone(stored);
    mergeUser(stored, 1, 5, { email: "z@x.org", name: "Z" });
    expect(stored).toEqual(copy);
  });
});

describe("profileOf", () => {
  it("gives the profile fields only", () => {
    expect(profileOf(stored)).toEqual({ email: "a@x.org", username: "ann", firstName: "Ann" });
  });
});
