import type { CmsKind } from "./cms-kind.js";

/**
 * What civilink does for an event:
 * - `ensure-link`: link the user to a contact (§3);
 * - `email-sync`: CMS→CRM email sync when linked, else ensure-link (§6);
 * - `upsert-only`: keep the user directory current, link nothing (`ignored`);
 * - `unlink`: remove the user's link and directory entry (§8).
 */
export type PolicyAction = "ensure-link" | "email-sync" | "upsert-only" | "unlink";

/**
 * What each event may do, as its use case implements it: a CMS whose cell needs another
 * action does not compile until that use case learns it.
 */
export interface EventPolicy {
  registration: "ensure-link" | "upsert-only";
  login: "ensure-link" | "upsert-only";
  interaction: "ensure-link" | "upsert-only";
  "profile-update": "email-sync" | "upsert-only";
  "user-deleted": "unlink";
  sync: "ensure-link";
}

export type UserEvent = keyof EventPolicy;

/**
 * Where the person's names come from (§11): `first-and-last` reads only firstName and
 * lastName (the account's `name` is a login name); `single-name-field` parses `name` as the
 * person's full name when both firstName and lastName are absent.
 */
export type NameSource = "first-and-last" | "single-name-field";

export interface CmsPolicy {
  events: EventPolicy;
  names: NameSource;
}

const LINKING_CMS: CmsPolicy = {
  events: {
    registration: "ensure-link",
    login: "ensure-link",
    interaction: "ensure-link",
    "profile-update": "email-sync",
    "user-deleted": "unlink",
    sync: "ensure-link",
  },
  names: "first-and-last",
};

/** §5 and the name rule of §11: the one place where CMSes differ. */
export const CMS_POLICY: Record<CmsKind, CmsPolicy> = {
  drupal: LINKING_CMS,
  backdrop: LINKING_CMS,
  wordpress: LINKING_CMS,
  standalone: LINKING_CMS,
  joomla: {
    events: {
      registration: "upsert-only",
      login: "upsert-only",
      interaction: "ensure-link",
      "profile-update": "upsert-only",
      "user-deleted": "unlink",
      sync: "ensure-link",
    },
    names: "single-name-field",
  },
};

export const policyFor = <E extends UserEvent>(cms: CmsKind, event: E): EventPolicy[E] =>
  CMS_POLICY[cms].events[event];

export const nameSourceOf = (cms: CmsKind): NameSource => CMS_POLICY[cms].names;
