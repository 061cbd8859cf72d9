import type { Domain } from "./api-types.js";
import { CMS_NAMES } from "./domain-facts.js";
import { DomainSettings } from "./domain-settings.js";
import { hrefOf } from "./routes.js";
import { useSession } from "./session-context.js";
import { Shown } from "./shared.js";
import { SyncPanel } from "./sync-panel.js";
import { useLoad } from "./use-load.js";

export function DomainPage({ domainId }: { domainId: number }) {
  const { api } = useSession();
  const [domain, reload] = useLoad(
    () => api.get<Domain>(`/v1/domains/${domainId}`),
    [api, domainId],
  );
  return (
    <main>
      <Shown loaded={domain}>
        {(domain) => (
          <>
            <h1>
              {domain.name}{" "}
              <span class="muted">
                domain {domain.id}, {CMS_NAMES[domain.cms]}
              </span>
            </h1>
            <p>
              <a href={hrefOf.users(domain.id)}>Users of this domain</a>
            </p>
            <SyncPanel domainId={domain.id} />
            <DomainSettings domain={domain} onSaved={reload} />
          </>
        )}
      </Shown>
    </main>
  );
}
