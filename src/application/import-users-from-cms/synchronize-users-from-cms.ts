import { errAsync, ok, type Result, ResultAsync } from "neverthrow";
import type { DomainId } from "../../domain/index.js";
import type { Clock, CmsSourceSpec, CmsUserSources, UnitOfWork } from "../ports/index.js";
import { checkIds } from "../shared/errors.js";
import {
  SynchronizeAllUsers,
  type SynchronizeAllUsersError,
  type SynchronizeAllUsersOptions,
  type SyncProgress,
  type SyncResult,
} from "../synchronize-all-users/synchronize-all-users.js";
import {
  type CmsImportResult,
  ImportUsersFromCms,
  type ImportUsersFromCmsError,
} from "./import-users-from-cms.js";

export interface SynchronizeUsersFromCmsInput {
  domainId: DomainId;
  source: CmsSourceSpec;
  prune?: boolean;
  /** Neither the import nor the sync writes anything; both report what they would do. */
  dryRun?: boolean;
  onImportProgress?: (progress: { read: number; total: number }) => void;
  onSyncProgress?: (progress: SyncProgress) => void;
}

export interface CmsSyncResult {
  dryRun: boolean;
  import: CmsImportResult;
  sync: SyncResult;
}

export type SynchronizeUsersFromCmsError = ImportUsersFromCmsError | SynchronizeAllUsersError;

/**
 * "Synchronize Users to Contacts" for a site that brings its CRM to an existing user base, in
 * one step: the CMS's users are imported into the domain's directory from its own database
 * (`ImportUsersFromCms`), then every user of the directory goes through ensure-link
 * (`SynchronizeAllUsers`, §9). A dry run does both inside one unit of work whose writes
 * are thrown away, so its sync sees the directory as the import would leave it.
 */
export class SynchronizeUsersFromCms {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly sources: CmsUserSources,
    private readonly syncOptions: SynchronizeAllUsersOptions = {},
  ) {}

  execute(
    input: SynchronizeUsersFromCmsInput,
  ): ResultAsync<CmsSyncResult, SynchronizeUsersFromCmsError> {
    const invalid = checkIds({ domainId: input.domainId });
    if (invalid) return errAsync(invalid);
    const dryRun = input.dryRun === true;
    const both = (uow: UnitOfWork) => this.importThenSync(uow, input);
    const result = dryRun
      ? this.uow.discarding(both)
      : ResultAsync.fromSafePromise(both(this.uow)).andThen((outcome) => outcome);
    return result.map(({ imported, sync }) => ({
      dryRun,
      import: imported,
      sync: { ...sync, dryRun },
    }));
  }

  private async importThenSync(
    uow: UnitOfWork,
    input: SynchronizeUsersFromCmsInput,
  ): Promise<
    Result<{ imported: CmsImportResult; sync: SyncResult }, SynchronizeUsersFromCmsError>
  > {
    const { domainId, source, prune, onImportProgress, onSyncProgress } = input;
    return new ImportUsersFromCms(uow, this.clock, this.sources)
      .execute({
        domainId,
        source,
        ...(prune === undefined ? {} : { prune }),
        ...(onImportProgress ? { onProgress: onImportProgress } : {}),
      })
      .andThen((imported) =>
        new SynchronizeAllUsers(uow, this.clock, this.syncOptions)
          .execute({ domainId, ...(onSyncProgress ? { onProgress: onSyncProgress } : {}) })
          .andThen((sync) => ok({ imported, sync })),
      );
  }
}
