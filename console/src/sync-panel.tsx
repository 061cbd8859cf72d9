import { useEffect, useState } from "preact/hooks";
import type { SyncJob } from "./api-types.js";
import { count, when } from "./format.js";
import { useCan, useSession } from "./session-context.js";
import { ErrorMessage, NeedsScope, Shown } from "./shared.js";
import { useLoad } from "./use-load.js";

const POLL_MS = 500;

/** "Synchronize Users to Contacts" (§9): start, follow, report, and the earlier runs. */
export function SyncPanel({ domainId }: { domainId: number }) {
  const { api } = useSession();
  const canRun = useCan("admin");
  const [dryRun, setDryRun] = useState(false);
  const [job, setJob] = useState<SyncJob | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [runs, reloadRuns] = useLoad(
    () => api.get<{ jobs: SyncJob[] }>(`/v1/domains/${domainId}/sync-jobs`, { limit: 10 }),
    [api, domainId],
  );

  // A run started elsewhere (or before a reload of the page) is followed too.
  useEffect(() => {
    if (job === null && runs.state === "ready" && runs.value.jobs[0]?.status === "running") {
      setJob(runs.value.jobs[0]);
    }
  }, [runs, job]);

  const running = job?.status === "running";
  useEffect(() => {
    if (job?.status !== "running") return;
    const timer = setTimeout(async () => {
      try {
        const next = await api.get<SyncJob>(`/v1/sync-jobs/${encodeURIComponent(job.id)}`);
        setJob(next);
        if (next.status !== "running") reloadRuns();
      } catch (error) {
        setProblem(error);
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [api, job, reloadRuns]);

  const start = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    try {
      setJob(await api.post<SyncJob>(`/v1/domains/${domainId}/sync`, { dryRun }));
      reloadRuns();
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <section aria-labelledby="sync-heading">
      <h2 id="sync-heading">Synchronize Users to Contacts</h2>
      <p>
        Checks every user of the domain's directory and links each one to a contact: an existing one
        found by the dedupe rule, or a new one.
      </p>
      {canRun ? (
        <form class="inline" onSubmit={start}>
          <label class="check">
            <input
              type="checkbox"
              checked={dryRun}
              onChange={(event) => setDryRun(event.currentTarget.checked)}
            />
            Dry run: report what would happen, change nothing
          </label>
          <button type="submit" disabled={running}>
            Synchronize Users to Contacts
          </button>
        </form>
      ) : (
        <NeedsScope scope="admin" what="Starting a sync" />
      )}
      {problem !== null && <ErrorMessage error={problem} />}
      {job && <JobProgress job={job} />}
      <h3>Earlier runs</h3>
      <Shown loaded={runs}>{({ jobs }) => <RunTable jobs={jobs} />}</Shown>
    </section>
  );
}

function JobProgress({ job }: { job: SyncJob }) {
  const { processed, total } = job.progress;
  return (
    <div class="job" aria-live="polite">
      <label for="sync-progress">
        {job.dryRun ? "Dry run: " : ""}
        {job.status === "running"
          ? `Processed ${count(processed)} of ${count(total)} users…`
          : job.status === "succeeded"
            ? "Finished."
            : "The sync failed."}
      </label>
      <progress
        id="sync-progress"
        max={Math.max(total, 1)}
        value={total === 0 && job.status !== "running" ? 1 : processed}
      />
      {job.message && <p class="summary">{job.message}</p>}
      {job.failures.length > 0 && (
        <>
          <h3>Users that failed</h3>
          <ul class="failures">
            {job.failures.map((failure) => (
              <li key={failure.userId}>
                User {failure.userId}: {failure.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function RunTable({ jobs }: { jobs: SyncJob[] }) {
  if (jobs.length === 0) return <p class="muted">No sync has run in this domain yet.</p>;
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Finished</th>
          <th scope="col">Status</th>
          <th scope="col">Summary</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id}>
            <td data-label="Started">
              <time dateTime={job.startedAt}>{when(job.startedAt)}</time>
            </td>
            <td data-label="Finished">
              {job.finishedAt ? <time dateTime={job.finishedAt}>{when(job.finishedAt)}</time> : "—"}
            </td>
            <td data-label="Status">
              {job.status}
              {job.dryRun ? " (dry run)" : ""}
            </td>
            <td data-label="Summary">
              {job.message ??
                `Processed ${count(job.progress.processed)} of ${count(job.progress.total)}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
