import type { Civilink, ContactId, DomainId, UserId, UserProfile } from "../../src/index.js";
import { aUserEvent } from "./builders.js";
import { expectOk } from "./results.js";

/**
 * The use-case calls tests make again and again, each awaited and unwrapped: a failure of
 * one fails the test with the error it answered.
 */

export const login = (app: Civilink, domainId: DomainId, userId: UserId, profile: UserProfile) =>
  expectOk(app.linkOnLogin.execute(aUserEvent(domainId, userId, profile)));

export const register = (app: Civilink, domainId: DomainId, userId: UserId, profile: UserProfile) =>
  expectOk(app.linkOnRegistration.execute(aUserEvent(domainId, userId, profile)));

export const putDomain = (
  app: Civilink,
  domainId: DomainId,
  definition: Parameters<Civilink["putDomain"]["execute"]>[0]["definition"],
) => expectOk(app.putDomain.execute({ domainId, definition }));

/** A contact entered in the CRM directly: an Individual with these emails (the first primary unless told). */
export const contactWith = (
  app: Civilink,
  emails: { email: string; isPrimary?: boolean; locationType?: string }[],
  name: { firstName?: string; lastName?: string } = {},
) => expectOk(app.createContact.execute({ contactType: "Individual", ...name, emails }));

export const usersOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listUsers.execute({ domainId, limit: 1000 }))).items;

export const linksOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listLinks.execute({ domainId, limit: 1000 }))).items;

export const auditOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listAudit.execute({ domainId, limit: 1000 }))).items;

export const outboxOf = async (app: Civilink, domainId: DomainId = 1) =>
  (await expectOk(app.listOutbox.execute({ domainId, limit: 1000 }))).items;

/** The contacts having this email, trashed ones too unless told. */
export const contactsWith = (app: Civilink, email: string, includeDeleted = true) =>
  expectOk(app.findContactsByEmail.execute({ email, includeDeleted }));

export const linkOf = (app: Civilink, domainId: DomainId, userId: UserId) =>
  expectOk(app.getLink.execute({ domainId, userId }));

export const contactOf = (app: Civilink, contactId: ContactId) =>
  expectOk(app.getContact.execute({ contactId }));
