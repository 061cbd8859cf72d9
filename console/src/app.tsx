import { useEffect, useMemo, useState } from "preact/hooks";
import { Api } from "./api.js";
import type { KeyInfo } from "./api-types.js";
import { ContactPage } from "./contact-page.js";
import { ContactsSearch } from "./contacts-search.js";
import { DomainPage } from "./domain-page.js";
import { Overview } from "./overview.js";
import { hrefOf, type Route } from "./routes.js";
import { forgetKey, keepKey, storedKey } from "./session.js";
import { SessionContext } from "./session-context.js";
import { ErrorMessage } from "./shared.js";
import { SignIn } from "./sign-in.js";
import { useLoad } from "./use-load.js";
import { useRoute } from "./use-route.js";
import { UserPage } from "./user-page.js";
import { UsersPage } from "./users-page.js";

export function App() {
  const [key, setKey] = useState<{ secret: string; info: KeyInfo | null } | null>(() => {
    const secret = storedKey();
    return secret === null ? null : { secret, info: null };
  });
  const signOut = () => {
    forgetKey();
    setKey(null);
  };
  if (key === null) {
    return (
      <SignIn
        onSignedIn={(secret, info) => {
          keepKey(secret);
          setKey({ secret, info });
        }}
      />
    );
  }
  if (key.info === null) {
    return (
      <Resume
        secret={key.secret}
        onResumed={(info) => setKey({ ...key, info })}
        onFailed={signOut}
      />
    );
  }
  return <SignedIn secret={key.secret} info={key.info} onSignOut={signOut} />;
}

/** A reload of the tab: the kept key is asked again what it may do. */
function Resume(props: {
  secret: string;
  onResumed: (info: KeyInfo) => void;
  onFailed: () => void;
}) {
  const [me] = useLoad(() => new Api(props.secret).get<KeyInfo>("/v1/me"), [props.secret]);
  useEffect(() => {
    if (me.state === "ready") props.onResumed(me.value);
  }, [me, props.onResumed]);
  if (me.state === "failed") {
    return (
      <main>
        <ErrorMessage error={me.error} />
        <button type="button" onClick={props.onFailed}>
          Sign in again
        </button>
      </main>
    );
  }
  return <p class="muted">Signing in…</p>;
}

function SignedIn(props: { secret: string; info: KeyInfo; onSignOut: () => void }) {
  const route = useRoute();
  const session = useMemo(
    () => ({ api: new Api(props.secret), key: props.info }),
    [props.secret, props.info],
  );
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <a class="brand" href={hrefOf.overview()}>
          civilink
        </a>
        <nav aria-label="Main">
          <a
            href={hrefOf.overview()}
            aria-current={route.screen === "overview" ? "page" : undefined}
          >
            Overview
          </a>
          <a
            href={hrefOf.contacts()}
            aria-current={route.screen.startsWith("contact") ? "page" : undefined}
          >
            Contacts
          </a>
        </nav>
        <span class="who">
          {props.info.name} <span class="muted">({props.info.scopes.join(", ")})</span>
        </span>
        <button type="button" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <Screen route={route} />
    </SessionContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case "overview":
      return <Overview />;
    case "domain":
      return <DomainPage domainId={route.domainId} />;
    case "users":
      return <UsersPage domainId={route.domainId} />;
    case "user":
      return <UserPage domainId={route.domainId} userId={route.userId} />;
    case "contacts":
      return <ContactsSearch query={route.query} />;
    case "contact":
      return <ContactPage contactId={route.contactId} />;
    case "unknown":
      return (
        <main>
          <h1>Not found</h1>
          <p>
            The console has no page “{route.path}”.{" "}
            <a href={hrefOf.overview()}>Go to the overview</a>.
          </p>
        </main>
      );
    default:
      return route satisfies never;
  }
}
