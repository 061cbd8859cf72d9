import type { ContactId, DomainId, UserId } from "./ids.js";

export const AUDIT_ACTIONS = [
  "linked-existing",
  "created-contact",
  "email-synced",
  "ufname-updated",
  "unlinked",
  "conflict",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const TRIGGERS = [
  "registration",
  "login",
  "interaction",
  "profile-update",
  "sync",
  "contact-update",
  "user-deletion",
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** What caused a link attempt (§1). */
export type LinkTrigger = Extract<
  Trigger,
  "registration" | "login" | "interaction" | "profile-update" | "sync"
>;

/** One decision that wrote something (§11). `userId` is null for anonymous visitors. */
export interface AuditEntry {
  at: Date;
  domainId: DomainId;
  userId: UserId | null;
  contactId: ContactId;
  action: AuditAction;
  trigger: Trigger;
}

/** The event a CMS must apply after the CRM changed a linked contact's email (§7). */
export interface UserEmailChanged {
  type: "user.email-changed";
  domainId: DomainId;
  userId: UserId;
  email: string;
  at: Date;
}
