import type { ContactId, DomainId, UserId } from "./ids.js";

/** The user↔contact match of one domain (CiviCRM's uf_match). */
export interface Link {
  domainId: DomainId;
  userId: UserId;
  contactId: ContactId;
  /** The user's email as the CMS gave it, trimmed; not unique (§1). */
  ufName: string;
  createdAt: Date;
  updatedAt: Date;
}
