import type { ContactId, DomainId, UserId } from "./ids.js";

/**
 * Errors are values: plain objects tagged by a literal `kind`. Each one a use case answers is
 * listed in the catalogue `UseCaseError` (src/application/shared/use-case-error.ts).
 */
export interface ValidationIssue {
  path: string;
  message: string;
}

export interface ValidationFailed {
  kind: "ValidationFailed";
  message: string;
  details: ValidationIssue[];
}

export interface DomainNotFound {
  kind: "DomainNotFound";
  message: string;
  domainId: DomainId;
}

export interface ContactNotFound {
  kind: "ContactNotFound";
  message: string;
  contactId: ContactId;
}

export interface LinkNotFound {
  kind: "LinkNotFound";
  message: string;
  domainId: DomainId;
  userId: UserId;
}

export interface ContactIsLinked {
  kind: "ContactIsLinked";
  message: string;
  contactId: ContactId;
  domainIds: DomainId[];
}

export const validationFailed = (
  message: string,
  details: ValidationIssue[],
): ValidationFailed => ({
  kind: "ValidationFailed",
  message,
  details,
});

export const domainNotFound = (domainId: DomainId): DomainNotFound => ({
  kind: "DomainNotFound",
  message: `Domain ${domainId} does not exist.`,
  domainId,
});

export const contactNotFound = (contactId: ContactId): ContactNotFound => ({
  kind: "ContactNotFound",
  message: `Contact ${contactId} does not exist.`,
  contactId,
});

export const linkNotFound = (domainId: DomainId, userId: UserId): LinkNotFound => ({
  kind: "LinkNotFound",
  message: `User ${userId} of domain ${domainId} is not linked to a contact.`,
  domainId,
  userId,
});

export const contactIsLinked = (contactId: ContactId, domainIds: DomainId[]): ContactIsLinked => ({
  kind: "ContactIsLinked",
  message: `Contact ${contactId} is linked to a user in domain ${domainIds.join(", ")} and cannot be deleted.`,
  contactId,
  domainIds,
});
