import { z } from "zod";
import { MAX_SYNC_JOB_CURSOR_LENGTH, type SyncJob } from "../../../application/index.js";
import { withQueryPaths } from "../query-issues.js";
import { defineRoute, domainParams, replyWith } from "../route-kit.js";
import { limitQueryUpTo, noQuery, storableString, syncStartSchema } from "../schemas.js";
import { httpErrorOf } from "../use-case-errors.js";

const count = z.number().int().min(0);

/** SyncJob of docs/contract.md. */
export const syncJobSchema = z.object({
  id: z.string(),
  domainId: z.number().int(),
  status: z.enum(["running", "succeeded", "failed"]),
  dryRun: z.boolean(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  progress: z.object({ processed: count, total: count }),
  report: z.object({
    checked: count,
    alreadyLinked: count,
    matched: count,
    created: count,
    skipped: count,
    failed: count,
  }),
  failures: z.array(z.object({ userId: z.number().int(), reason: z.string() })),
  message: z.string().nullable(),
});

export const syncJobJson = (job: SyncJob): z.infer<typeof syncJobSchema> => ({
  id: job.id,
  domainId: job.domainId,
  status: job.status,
  dryRun: job.dryRun,
  startedAt: job.startedAt.toISOString(),
  finishedAt: job.finishedAt === null ? null : job.finishedAt.toISOString(),
  progress: { processed: job.progress.processed, total: job.progress.total },
  report: {
    checked: job.report.checked,
    alreadyLinked: job.report.alreadyLinked,
    matched: job.report.matched,
    created: job.report.created,
    skipped: job.report.skipped,
    failed: job.report.failed,
  },
  failures: job.failures.map(({ userId, reason }) => ({ userId, reason })),
  message: job.message,
});

export const syncJobPath = (id: string) => `/v1/sync-jobs/${encodeURIComponent(id)}`;

const jobParams = z.strictObject({ jobId: storableString });

const jobsQuery = z.strictObject({
  limit: limitQueryUpTo(100).exactOptional(),
  cursor: z.string().max(MAX_SYNC_JOB_CURSOR_LENGTH).exactOptional(),
});

export const syncRoutes = [
  defineRoute({
    method: "post",
    path: "/v1/domains/{domainId}/sync",
    scope: "admin",
    summary:
      "Start synchronizing every user of the domain's directory (§9) in the background; poll the job at Location",
    tags: ["sync"],
    params: domainParams,
    query: noQuery,
    body: syncStartSchema,
    bodyOptional: true,
    responses: {
      202: { description: "The job, running; header Location: its URL", schema: syncJobSchema },
      400: { description: "ValidationFailed, MalformedJson" },
      404: { description: "DomainNotFound" },
      409: { description: "SyncAlreadyRunning: the domain has a running job" },
    },
    handle: async ({ params, body }, { useCases }) => {
      const started = await useCases.startSyncJob.execute({
        domainId: params.domainId,
        dryRun: body.dryRun === true,
      });
      if (started.isErr()) return { error: httpErrorOf(started.error) };
      const job = started.value;
      return { status: 202, body: syncJobJson(job), headers: { Location: syncJobPath(job.id) } };
    },
  }),
  defineRoute({
    method: "get",
    path: "/v1/sync-jobs/{jobId}",
    scope: "read",
    summary: "A sync job: its progress while running, its report once it ended",
    tags: ["sync"],
    params: jobParams,
    query: noQuery,
    responses: {
      200: { description: "The job", schema: syncJobSchema },
      404: { description: "SyncJobNotFound" },
    },
    handle: ({ params }, { useCases }) =>
      replyWith(useCases.getSyncJob.execute({ jobId: params.jobId }), syncJobJson),
  }),
  defineRoute({
    method: "get",
    path: "/v1/domains/{domainId}/sync-jobs",
    scope: "read",
    summary:
      "The domain's sync jobs, newest first (running ones with their progress); limit ≤ 100, default 20",
    tags: ["sync"],
    params: domainParams,
    query: jobsQuery,
    responses: {
      200: {
        description: "One page of jobs; nextCursor is null on the last page",
        schema: z.object({ jobs: z.array(syncJobSchema), nextCursor: z.string().nullable() }),
      },
      404: { description: "DomainNotFound" },
    },
    handle: ({ params, query }, { useCases }) =>
      withQueryPaths(
        replyWith(useCases.listSyncJobs.execute({ ...params, ...query }), (page) => ({
          jobs: page.items.map(syncJobJson),
          nextCursor: page.nextCursor,
        })),
        { cursor: "cursor" },
      ),
  }),
];
