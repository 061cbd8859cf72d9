import { errAsync, okAsync, type ResultAsync } from "neverthrow";
import { textProblem } from "../../domain/index.js";
import type { SyncJob, SyncJobRepository } from "../ports/index.js";
import {
  type StoreError,
  type SyncJobNotFound,
  syncJobNotFound,
} from "../shared/use-case-error.js";

export interface GetSyncJobInput {
  jobId: string;
}

/** Job ids are UUIDs; anything much longer, or text no store holds, was never given out. */
export const MAX_JOB_ID_LENGTH = 100;

/** A sync job as it is now: running with its progress, or ended with its report (§9). */
export class GetSyncJob {
  constructor(private readonly jobs: SyncJobRepository) {}

  execute(input: GetSyncJobInput): ResultAsync<SyncJob, SyncJobNotFound | StoreError> {
    const { jobId } = input;
    if (
      typeof jobId !== "string" ||
      jobId.length === 0 ||
      jobId.length > MAX_JOB_ID_LENGTH ||
      textProblem(jobId) !== null
    ) {
      return errAsync(syncJobNotFound(String(jobId).slice(0, MAX_JOB_ID_LENGTH)));
    }
    return this.jobs
      .get(jobId)
      .andThen((job) => (job ? okAsync(job) : errAsync(syncJobNotFound(jobId))));
  }
}
