import { useState } from "preact/hooks";
import type { DirectoryUser } from "./api-types.js";
import { hrefOf } from "./routes.js";
import { useCan, useSession } from "./session-context.js";
import { NeedsScope, Shown } from "./shared.js";
import { useLoad } from "./use-load.js";

const PAGE = 50;

const nameOf = (user: DirectoryUser) =>
  user.name ?? ([user.firstName, user.lastName].filter(Boolean).join(" ") || "—");

/** The domain's user directory, each user with its link, a page at a time. */
export function UsersPage({ domainId }: { domainId: number }) {
  const canList = useCan("admin");
  return (
    <main>
      <p>
        <a href={hrefOf.domain(domainId)}>← Domain {domainId}</a>
      </p>
      <h1>Users of domain {domainId}</h1>
      {canList ? (
        <Directory domainId={domainId} />
      ) : (
        <NeedsScope scope="admin" what="Listing the user directory" />
      )}
    </main>
  );
}

function Directory({ domainId }: { domainId: number }) {
  const { api } = useSession();
  const [onlyUnlinked, setOnlyUnlinked] = useState(false);
  // The cursors of the pages before this one, so that "Previous page" can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [page] = useLoad(
    () =>
      api.get<{ users: DirectoryUser[]; nextCursor: string | null }>(
        `/v1/domains/${domainId}/users`,
        {
          limit: PAGE,
          cursor,
          ...(onlyUnlinked ? { linked: false } : {}),
        },
      ),
    [api, domainId, cursor, onlyUnlinked],
  );
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={onlyUnlinked}
          onChange={(event) => {
            setOnlyUnlinked(event.currentTarget.checked);
            setCursors([undefined]);
          }}
        />
        Only users not linked
      </label>
      <Shown loaded={page}>
        {({ users, nextCursor }) => (
          <>
            {users.length === 0 ? (
              <p role="status">
                {onlyUnlinked
                  ? "Every user of the directory is linked."
                  : "The directory has no user yet."}
              </p>
            ) : (
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Username</th>
                    <th scope="col">Email</th>
                    <th scope="col">Name</th>
                    <th scope="col">Contact</th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((user) => (
                    <tr key={user.userId}>
                      <td data-label="User">
                        <a href={hrefOf.user(domainId, user.userId)}>{user.userId}</a>
                      </td>
                      <td data-label="Username">{user.username ?? "—"}</td>
                      <td data-label="Email">{user.email ?? "—"}</td>
                      <td data-label="Name">{nameOf(user)}</td>
                      <td data-label="Contact">
                        {user.contactId === null ? (
                          <span class="muted">not linked</span>
                        ) : (
                          <a href={hrefOf.contact(user.contactId)}>contact {user.contactId}</a>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p class="actions">
              <button
                type="button"
                disabled={cursors.length === 1}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                Previous page
              </button>
              <button
                type="button"
                disabled={nextCursor === null}
                onClick={() => nextCursor !== null && setCursors([...cursors, nextCursor])}
              >
                Next page
              </button>
            </p>
          </>
        )}
      </Shown>
    </>
  );
}
