import type { CmsKind } from "./cms-kind.js";

export type UserEvent =
  | "registration"
  | "login"
  | "interaction"
  | "profile-update"
  | "user-deleted"
  | "sync";

/**
 * What civilink does for an event:
 * - `ensure-link`: link the user to a contact (SPEC §3);
 * - `email-sync`: CMS→CRM email sync when linked, else ensure-link (SPEC §6);
 * - `upsert-only`: keep the user directory current, link nothing (`ignored`);
 * - `unlink`: remove the user's link and directory entry (SPEC §8).
 */
export type PolicyAction = "ensure-link" | "email-sync" | "upsert-only" | "unlink";

const LINKING_CMS: Record<UserEvent, PolicyAction> = {
  registration: "ensure-link",
  login: "ensure-link",
  interaction: "ensure-link",
  "profile-update": "email-sync",
  "user-deleted": "unlink",
  sync: "ensure-link",
};

/** SPEC §5, the one place where CMSes differ. */
export const CMS_POLICY: Record<CmsKind, Record<UserEvent, PolicyAction>> = {
  drupal: LINKING_CMS,
  backdrop: LINKING_CMS,
  wordpress: LINKING_CMS,
  standalone: LINKING_CMS,
  joomla: {
    registration: "upsert-only",
    login: "upsert-only",
    interaction: "ensure-link",
    "profile-update": "upsert-only",
    "user-deleted": "unlink",
    sync: "ensure-link",
  },
};

export const policyFor = (cms: CmsKind, event: UserEvent): PolicyAction => CMS_POLICY[cms][event];
