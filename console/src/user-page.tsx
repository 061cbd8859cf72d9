import { ApiError } from "./api.js";
import type { AuditEntry, Link, OutboxEvent } from "./api-types.js";
import { AuditTable } from "./audit-table.js";
import { when } from "./format.js";
import { hrefOf } from "./routes.js";
import { useSession } from "./session-context.js";
import { Shown } from "./shared.js";
import { useLoad } from "./use-load.js";

/** One CMS user of a domain: its link, its audit trail and the outbox events for it. */
export function UserPage({ domainId, userId }: { domainId: number; userId: number }) {
  const { api } = useSession();
  const [link] = useLoad(
    () =>
      api.get<Link>(`/v1/domains/${domainId}/users/${userId}/link`).catch((error: unknown) => {
        if (error instanceof ApiError && error.kind === "LinkNotFound") return null;
        throw error;
      }),
    [api, domainId, userId],
  );
  const [audit] = useLoad(
    () =>
      api.get<{ entries: AuditEntry[] }>(`/v1/domains/${domainId}/audit`, { userId, limit: 100 }),
    [api, domainId, userId],
  );
  const [outbox] = useLoad(
    () =>
      api.get<{ events: OutboxEvent[] }>(`/v1/domains/${domainId}/outbox`, { userId, limit: 100 }),
    [api, domainId, userId],
  );
  return (
    <main>
      <p>
        <a href={hrefOf.users(domainId)}>← Users of domain {domainId}</a>
      </p>
      <h1>
        User {userId} <span class="muted">domain {domainId}</span>
      </h1>
      <section aria-labelledby="link-heading">
        <h2 id="link-heading">Link</h2>
        <Shown loaded={link}>
          {(link) =>
            link === null ? (
              <p>not linked</p>
            ) : (
              <p>
                Linked to <a href={hrefOf.contact(link.contactId)}>contact {link.contactId}</a> as{" "}
                {link.ufName}, since <time dateTime={link.createdAt}>{when(link.createdAt)}</time>.
              </p>
            )
          }
        </Shown>
      </section>
      <section aria-labelledby="user-audit-heading">
        <h2 id="user-audit-heading">Audit trail</h2>
        <Shown loaded={audit}>{({ entries }) => <AuditTable entries={entries} />}</Shown>
      </section>
      <section aria-labelledby="outbox-heading">
        <h2 id="outbox-heading">Outbox events</h2>
        <Shown loaded={outbox}>
          {({ events }) =>
            events.length === 0 ? (
              <p class="muted">No event for the CMS about this user.</p>
            ) : (
              <ul>
                {events.map((event) => (
                  <li key={event.id}>
                    <time dateTime={event.at}>{when(event.at)}</time>: {event.type}, new email{" "}
                    {event.email}
                  </li>
                ))}
              </ul>
            )
          }
        </Shown>
      </section>
    </main>
  );
}
