import type { Container } from "inversify";
import { TOKENS } from "./tokens.js";

/** The use cases by the names the library and the interfaces call them. */
export const USE_CASE_TOKENS = {
  linkOnRegistration: TOKENS.LinkOnRegistration,
  linkOnLogin: TOKENS.LinkOnLogin,
  linkOnInteraction: TOKENS.LinkOnInteraction,
  syncUserEmail: TOKENS.SyncUserEmail,
  recordAnonymousInteraction: TOKENS.RecordAnonymousInteraction,
  unlinkUser: TOKENS.UnlinkUser,
  createContact: TOKENS.CreateContact,
  updateContact: TOKENS.UpdateContact,
  syncContactEmail: TOKENS.SyncContactEmail,
  trashContact: TOKENS.TrashContact,
  restoreContact: TOKENS.RestoreContact,
  putDomain: TOKENS.PutDomain,
  synchronizeAllUsers: TOKENS.SynchronizeAllUsers,
  startSyncJob: TOKENS.StartSyncJob,
  getSyncJob: TOKENS.GetSyncJob,
  listSyncJobs: TOKENS.ListSyncJobs,
  getDomain: TOKENS.GetDomain,
  listDomains: TOKENS.ListDomains,
  getLink: TOKENS.GetLink,
  listLinks: TOKENS.ListLinks,
  getContact: TOKENS.GetContact,
  findContactsByEmail: TOKENS.FindContactsByEmail,
  searchContactsByName: TOKENS.SearchContactsByName,
  listAudit: TOKENS.ListAudit,
  listOutbox: TOKENS.ListOutbox,
  listUsers: TOKENS.ListUsers,
  countDomainUsers: TOKENS.CountDomainUsers,
  importUsers: TOKENS.ImportUsers,
  importUsersFromCms: TOKENS.ImportUsersFromCms,
  synchronizeUsersFromCms: TOKENS.SynchronizeUsersFromCms,
} as const;

type Tokens = typeof USE_CASE_TOKENS;

export type UseCases = {
  [Name in keyof Tokens]: Tokens[Name] extends { readonly __type?: infer T } ? T : never;
};

export function resolveUseCases(container: Container): UseCases {
  return Object.fromEntries(
    Object.entries(USE_CASE_TOKENS).map(([name, token]) => [name, container.get<unknown>(token)]),
  ) as UseCases;
}
