import type { Container } from "inversify";
import {
  type Clock,
  type CmsUserSources,
  CountDomainUsers,
  CreateContact,
  FindContactsByEmail,
  GetContact,
  GetDomain,
  GetLink,
  GetSyncJob,
  type IdGenerator,
  ImportUsers,
  ImportUsersFromCms,
  LinkOnInteraction,
  LinkOnLogin,
  LinkOnRegistration,
  ListAudit,
  ListDomains,
  ListLinks,
  ListOutbox,
  ListSyncJobs,
  ListUsers,
  PutDomain,
  RecordAnonymousInteraction,
  RestoreContact,
  SearchContactsByName,
  StartSyncJob,
  SyncContactEmail,
  SynchronizeAllUsers,
  SynchronizeUsersFromCms,
  type SyncJobRepository,
  type SyncJobRunner,
  SyncUserEmail,
  TrashContact,
  type UnitOfWork,
  UnlinkUser,
  UpdateContact,
  UserEventHandler,
} from "../../application/index.js";
import { TOKENS, type Token } from "./tokens.js";

type Needs = readonly [UnitOfWork, Clock];

/**
 * Binds every use case as a singleton built from the store and the clock. The use cases
 * themselves carry no decorators, so the application layer knows nothing of Inversify.
 */
export function bindUseCases(container: Container) {
  const withStore = <T>(target: Token<T>, build: (...needs: Needs) => T) =>
    container
      .bind(target)
      .toResolvedValue(
        (uow: UnitOfWork, clock: Clock) => build(uow, clock),
        [TOKENS.UnitOfWork, TOKENS.Clock],
      )
      .inSingletonScope();
  const withEvents = <T>(target: Token<T>, build: (events: UserEventHandler) => T) =>
    container
      .bind(target)
      .toResolvedValue((events: UserEventHandler) => build(events), [TOKENS.UserEventHandler])
      .inSingletonScope();

  withStore(TOKENS.UserEventHandler, (uow, clock) => new UserEventHandler(uow, clock));
  withEvents(TOKENS.LinkOnRegistration, (events) => new LinkOnRegistration(events));
  withEvents(TOKENS.LinkOnLogin, (events) => new LinkOnLogin(events));
  withEvents(TOKENS.LinkOnInteraction, (events) => new LinkOnInteraction(events));
  withEvents(TOKENS.SyncUserEmail, (events) => new SyncUserEmail(events));
  withStore(
    TOKENS.RecordAnonymousInteraction,
    (uow, clock) => new RecordAnonymousInteraction(uow, clock),
  );
  withStore(TOKENS.UnlinkUser, (uow, clock) => new UnlinkUser(uow, clock));
  withStore(TOKENS.CreateContact, (uow, clock) => new CreateContact(uow, clock));
  withStore(TOKENS.UpdateContact, (uow, clock) => new UpdateContact(uow, clock));
  withStore(TOKENS.SyncContactEmail, (uow, clock) => new SyncContactEmail(uow, clock));
  withStore(TOKENS.TrashContact, (uow) => new TrashContact(uow));
  withStore(TOKENS.RestoreContact, (uow) => new RestoreContact(uow));
  withStore(TOKENS.PutDomain, (uow) => new PutDomain(uow));
  withStore(TOKENS.SynchronizeAllUsers, (uow, clock) => new SynchronizeAllUsers(uow, clock));
  container
    .bind(TOKENS.StartSyncJob)
    .toResolvedValue(
      (
        uow: UnitOfWork,
        clock: Clock,
        jobs: SyncJobRepository,
        ids: IdGenerator,
        runner: SyncJobRunner,
      ) => new StartSyncJob(uow, jobs, clock, ids, runner),
      [TOKENS.UnitOfWork, TOKENS.Clock, TOKENS.SyncJobs, TOKENS.Ids, TOKENS.SyncJobRunner],
    )
    .inSingletonScope();
  container
    .bind(TOKENS.GetSyncJob)
    .toResolvedValue((jobs: SyncJobRepository) => new GetSyncJob(jobs), [TOKENS.SyncJobs])
    .inSingletonScope();
  container
    .bind(TOKENS.ListSyncJobs)
    .toResolvedValue(
      (uow: UnitOfWork, jobs: SyncJobRepository) => new ListSyncJobs(uow, jobs),
      [TOKENS.UnitOfWork, TOKENS.SyncJobs],
    )
    .inSingletonScope();
  withStore(TOKENS.GetDomain, (uow) => new GetDomain(uow));
  withStore(TOKENS.ListDomains, (uow) => new ListDomains(uow));
  withStore(TOKENS.GetLink, (uow) => new GetLink(uow));
  withStore(TOKENS.ListLinks, (uow) => new ListLinks(uow));
  withStore(TOKENS.GetContact, (uow) => new GetContact(uow));
  withStore(TOKENS.FindContactsByEmail, (uow) => new FindContactsByEmail(uow));
  withStore(TOKENS.SearchContactsByName, (uow) => new SearchContactsByName(uow));
  withStore(TOKENS.ListAudit, (uow) => new ListAudit(uow));
  withStore(TOKENS.ListOutbox, (uow) => new ListOutbox(uow));
  withStore(TOKENS.ListUsers, (uow) => new ListUsers(uow));
  withStore(TOKENS.CountDomainUsers, (uow) => new CountDomainUsers(uow));
  withStore(TOKENS.ImportUsers, (uow) => new ImportUsers(uow));
  const withSources = <T>(
    target: Token<T>,
    build: (uow: UnitOfWork, clock: Clock, sources: CmsUserSources) => T,
  ) =>
    container
      .bind(target)
      .toResolvedValue(build, [TOKENS.UnitOfWork, TOKENS.Clock, TOKENS.CmsUserSources])
      .inSingletonScope();
  withSources(TOKENS.ImportUsersFromCms, (...needs) => new ImportUsersFromCms(...needs));
  withSources(TOKENS.SynchronizeUsersFromCms, (...needs) => new SynchronizeUsersFromCms(...needs));
}
