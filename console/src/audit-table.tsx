import type { AuditEntry } from "./api-types.js";
import { when } from "./format.js";
import { hrefOf } from "./routes.js";

/** Audit entries (§11), newest first. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p class="muted">No audit entry yet.</p>;
  const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Domain</th>
          <th scope="col">User</th>
          <th scope="col">Contact</th>
          <th scope="col">Action</th>
          <th scope="col">Trigger</th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((entry, index) => (
          <tr key={`${entry.at}/${index}`}>
            <td data-label="When">
              <time dateTime={entry.at}>{when(entry.at)}</time>
            </td>
            <td data-label="Domain">{entry.domainId}</td>
            <td data-label="User">
              {entry.userId === null ? (
                "—"
              ) : (
                <a href={hrefOf.user(entry.domainId, entry.userId)}>{entry.userId}</a>
              )}
            </td>
            <td data-label="Contact">
              <a href={hrefOf.contact(entry.contactId)}>{entry.contactId}</a>
            </td>
            <td data-label="Action">{entry.action}</td>
            <td data-label="Trigger">{entry.trigger}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
