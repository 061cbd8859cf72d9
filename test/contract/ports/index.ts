import { describeAuditLogContract } from "./audit-log.contract.js";
import { describeBulkLinkStoreContract } from "./bulk-link-store.contract.js";
import { describeContactNameSearchContract } from "./contact-name-search.contract.js";
import { describeContactRepositoryContract } from "./contact-repository.contract.js";
import { describeDomainRepositoryContract } from "./domain-repository.contract.js";
import { describeLinkRepositoryContract } from "./link-repository.contract.js";
import { describeOutboxContract } from "./outbox.contract.js";
import type { MakeStore } from "./support.js";
import { describeSyncJobRepositoryContract } from "./sync-job-repository.contract.js";
import { describeUnitOfWorkContract } from "./unit-of-work.contract.js";
import { describeUserDirectoryContract } from "./user-directory.contract.js";

export { describeBulkLinkStoreContract } from "./bulk-link-store.contract.js";
export type { MakeStore } from "./support.js";

/**
 * Every port's contract against one store: the same answers are expected from the in-memory
 * store, PGlite and PostgreSQL (modelled on loopback-next's repository-tests).
 */
export function describePortContracts(storeName: string, makeStore: MakeStore) {
  describeContactRepositoryContract(storeName, makeStore);
  describeContactNameSearchContract(storeName, makeStore);
  describeLinkRepositoryContract(storeName, makeStore);
  describeUserDirectoryContract(storeName, makeStore);
  describeDomainRepositoryContract(storeName, makeStore);
  describeAuditLogContract(storeName, makeStore);
  describeOutboxContract(storeName, makeStore);
  describeUnitOfWorkContract(storeName, makeStore);
  describeBulkLinkStoreContract(storeName, makeStore);
  describeSyncJobRepositoryContract(storeName, makeStore);
}
