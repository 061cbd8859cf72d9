import { describe, expect, it } from "vitest";
import { CMS_KINDS, type CmsKind } from "../../../src/domain/cms-kind.js";
import {
  CMS_POLICY,
  nameSourceOf,
  type PolicyAction,
  policyFor,
  type UserEvent,
} from "../../../src/domain/cms-policy.js";

const EVENTS: UserEvent[] = [
  "registration",
  "login",
  "interaction",
  "profile-update",
  "user-deleted",
  "sync",
];

const LINKING: Record<UserEvent, PolicyAction> = {
  registration: "ensure-link",
  login: "ensure-link",
  interaction: "ensure-link",
  "profile-update": "email-sync",
  "user-deleted": "unlink",
  sync: "ensure-link",
};

/** §5, written out cell by cell. */
const TABLE: Record<CmsKind, Record<UserEvent, PolicyAction>> = {
  drupal: LINKING,
  backdrop: LINKING,
  wordpress: LINKING,
  standalone: LINKING,
  joomla: {
    registration: "upsert-only",
    login: "upsert-only",
    interaction: "ensure-link",
    "profile-update": "upsert-only",
    "user-deleted": "unlink",
    sync: "ensure-link",
  },
};

const CASES = CMS_KINDS.flatMap((cms) =>
  EVENTS.map((event) => [cms, event, TABLE[cms][event]] as const),
);

describe("CMS policy (§5)", () => {
  it("has a row for every CMS and a cell for every event", () => {
    expect(Object.keys(CMS_POLICY).sort()).toEqual([...CMS_KINDS].sort());
    for (const cms of CMS_KINDS) {
      expect(Object.keys(CMS_POLICY[cms].events).sort()).toEqual([...EVENTS].sort());
    }
  });

  it("reads Joomla's single name field as the person's name, and no other CMS's (§11)", () => {
    for (const cms of CMS_KINDS) {
      expect(nameSourceOf(cms)).toBe(cms === "joomla" ? "single-name-field" : "first-and-last");
    }
  });

  it.each(CASES)("%s / %s → %s", (cms, event, action) => {
    expect(policyFor(cms, event)).toBe(action);
  });
});
