import type { ServiceIdentifier } from "inversify";
import type {
  Clock,
  CreateContact,
  FindContactsByEmail,
  GetContact,
  GetDomain,
  GetLink,
  LinkOnInteraction,
  LinkOnLogin,
  LinkOnRegistration,
  ListAudit,
  ListDomains,
  ListLinks,
  ListOutbox,
  ListUsers,
  PutDomain,
  RecordAnonymousInteraction,
  SyncContactEmail,
  SynchronizeAllUsers,
  SyncUserEmail,
  TrashContact,
  UnitOfWork,
  UnlinkUser,
  UpdateContact,
  UserEventHandler,
} from "../../application/index.js";
import type { StoreRuntime } from "../persistence/store-runtime.js";

/** A service identifier that remembers the type it resolves to. */
export type Token<T> = ServiceIdentifier<T> & { readonly __type?: T };

const token = <T>(name: string): Token<T> => Symbol.for(`civilink.${name}`) as Token<T>;

export const TOKENS = {
  UnitOfWork: token<UnitOfWork>("UnitOfWork"),
  Store: token<StoreRuntime>("Store"),
  Clock: token<Clock>("Clock"),
  UserEventHandler: token<UserEventHandler>("UserEventHandler"),
  LinkOnRegistration: token<LinkOnRegistration>("LinkOnRegistration"),
  LinkOnLogin: token<LinkOnLogin>("LinkOnLogin"),
  LinkOnInteraction: token<LinkOnInteraction>("LinkOnInteraction"),
  SyncUserEmail: token<SyncUserEmail>("SyncUserEmail"),
  RecordAnonymousInteraction: token<RecordAnonymousInteraction>("RecordAnonymousInteraction"),
  UnlinkUser: token<UnlinkUser>("UnlinkUser"),
  CreateContact: token<CreateContact>("CreateContact"),
  UpdateContact: token<UpdateContact>("UpdateContact"),
  SyncContactEmail: token<SyncContactEmail>("SyncContactEmail"),
  TrashContact: token<TrashContact>("TrashContact"),
  PutDomain: token<PutDomain>("PutDomain"),
  SynchronizeAllUsers: token<SynchronizeAllUsers>("SynchronizeAllUsers"),
  GetDomain: token<GetDomain>("GetDomain"),
  ListDomains: token<ListDomains>("ListDomains"),
  GetLink: token<GetLink>("GetLink"),
  ListLinks: token<ListLinks>("ListLinks"),
  GetContact: token<GetContact>("GetContact"),
  FindContactsByEmail: token<FindContactsByEmail>("FindContactsByEmail"),
  ListAudit: token<ListAudit>("ListAudit"),
  ListOutbox: token<ListOutbox>("ListOutbox"),
  ListUsers: token<ListUsers>("ListUsers"),
} as const;
