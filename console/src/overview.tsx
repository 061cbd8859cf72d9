import type { Domain, DomainCounts } from "./api-types.js";
import { DomainFacts } from "./domain-facts.js";
import { count } from "./format.js";
import { hrefOf } from "./routes.js";
import { useSession } from "./session-context.js";
import { ErrorMessage, Shown } from "./shared.js";
import { StoreHealth } from "./store-health.js";
import { useLoad } from "./use-load.js";

export function Overview() {
  const { api } = useSession();
  const [domains] = useLoad(() => api.get<{ domains: Domain[] }>("/v1/domains"), [api]);
  return (
    <main>
      <h1>Overview</h1>
      <StoreHealth />
      <Shown loaded={domains}>
        {({ domains }) => (
          <ul class="cards">
            {domains.map((domain) => (
              <DomainCard key={domain.id} domain={domain} />
            ))}
          </ul>
        )}
      </Shown>
    </main>
  );
}

function DomainCard({ domain }: { domain: Domain }) {
  const { api } = useSession();
  const [counts] = useLoad(
    () => api.get<DomainCounts>(`/v1/domains/${domain.id}/counts`),
    [api, domain.id],
  );
  return (
    <li class="card">
      <h2>
        <a href={hrefOf.domain(domain.id)}>{domain.name}</a>{" "}
        <span class="muted">domain {domain.id}</span>
      </h2>
      <DomainFacts domain={domain} />
      {counts.state === "failed" ? (
        <ErrorMessage error={counts.error} />
      ) : (
        <dl class="numbers" aria-busy={counts.state === "loading"}>
          <div>
            <dt>Users in the directory</dt>
            <dd>{counts.state === "ready" ? count(counts.value.users) : "…"}</dd>
          </div>
          <div>
            <dt>Linked</dt>
            <dd>{counts.state === "ready" ? count(counts.value.linkedUsers) : "…"}</dd>
          </div>
          <div>
            <dt>Not linked</dt>
            <dd>{counts.state === "ready" ? count(counts.value.notLinkedUsers) : "…"}</dd>
          </div>
        </dl>
      )}
      <p class="actions">
        <a class="button" href={hrefOf.domain(domain.id)}>
          Synchronize and settings
        </a>
        <a href={hrefOf.users(domain.id)}>Users</a>
      </p>
    </li>
  );
}
