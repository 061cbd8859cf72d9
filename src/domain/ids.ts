export type DomainId = number;
export type UserId = number;
export type ContactId = number;

/** Ids of domains, users and contacts are positive integers (SPEC §1). */
export const isPositiveId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;
