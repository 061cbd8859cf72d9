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
  type SynchronizeAllUsersOptions,
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
import type { StoreRuntime } from "../persistence/store-runtime.js";
import { adapter, WiringTable } from "./wiring-table.js";

/**
 * Every use case: its library name, what it needs, the class built from those. Each is one
 * singleton per container (StartSyncJob's runner keeps the jobs it runs, for a shutdown).
 */
export const USE_CASE_TABLE = WiringTable.over({
  store: adapter<StoreRuntime>(),
  unitOfWork: adapter<UnitOfWork>(),
  clock: adapter<Clock>(),
  ids: adapter<IdGenerator>(),
  syncJobs: adapter<SyncJobRepository>(),
  syncJobRunner: adapter<SyncJobRunner>(),
  cmsUserSources: adapter<CmsUserSources>(),
  syncOptions: adapter<SynchronizeAllUsersOptions>(),
})
  .shared("userEventHandler", ["unitOfWork", "clock"], UserEventHandler)
  .useCase("linkOnRegistration", ["userEventHandler"], LinkOnRegistration)
  .useCase("linkOnLogin", ["userEventHandler"], LinkOnLogin)
  .useCase("linkOnInteraction", ["userEventHandler"], LinkOnInteraction)
  .useCase("syncUserEmail", ["userEventHandler"], SyncUserEmail)
  .useCase("recordAnonymousInteraction", ["unitOfWork", "clock"], RecordAnonymousInteraction)
  .useCase("unlinkUser", ["unitOfWork", "clock"], UnlinkUser)
  .useCase("createContact", ["unitOfWork", "clock"], CreateContact)
  .useCase("updateContact", ["unitOfWork", "clock"], UpdateContact)
  .useCase("syncContactEmail", ["unitOfWork", "clock"], SyncContactEmail)
  .useCase("trashContact", ["unitOfWork"], TrashContact)
  .useCase("restoreContact", ["unitOfWork"], RestoreContact)
  .useCase("putDomain", ["unitOfWork"], PutDomain)
  .useCase("synchronizeAllUsers", ["unitOfWork", "clock", "syncOptions"], SynchronizeAllUsers)
  .useCase(
    "startSyncJob",
    ["unitOfWork", "syncJobs", "clock", "ids", "syncJobRunner", "syncOptions"],
    StartSyncJob,
  )
  .useCase("getSyncJob", ["syncJobs"], GetSyncJob)
  .useCase("listSyncJobs", ["unitOfWork", "syncJobs"], ListSyncJobs)
  .useCase("getDomain", ["unitOfWork"], GetDomain)
  .useCase("listDomains", ["unitOfWork"], ListDomains)
  .useCase("getLink", ["unitOfWork"], GetLink)
  .useCase("listLinks", ["unitOfWork"], ListLinks)
  .useCase("getContact", ["unitOfWork"], GetContact)
  .useCase("findContactsByEmail", ["unitOfWork"], FindContactsByEmail)
  .useCase("searchContactsByName", ["unitOfWork"], SearchContactsByName)
  .useCase("listAudit", ["unitOfWork"], ListAudit)
  .useCase("listOutbox", ["unitOfWork"], ListOutbox)
  .useCase("listUsers", ["unitOfWork"], ListUsers)
  .useCase("countDomainUsers", ["unitOfWork"], CountDomainUsers)
  .useCase("importUsers", ["unitOfWork"], ImportUsers)
  .useCase("importUsersFromCms", ["unitOfWork", "clock", "cmsUserSources"], ImportUsersFromCms)
  .useCase(
    "synchronizeUsersFromCms",
    ["unitOfWork", "clock", "cmsUserSources", "syncOptions"],
    SynchronizeUsersFromCms,
  );
