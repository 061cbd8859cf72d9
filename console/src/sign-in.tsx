import { useState } from "preact/hooks";
import { Api, ApiError, errorText } from "./api.js";
import type { KeyInfo } from "./api-types.js";

/** The words for a key that did not sign in. */
function refusal(error: unknown): string {
  if (error instanceof ApiError && error.kind === "Unauthenticated") {
    return "That API key is not valid. Check it (keys are case-sensitive) and try again.";
  }
  return errorText(error);
}

export function SignIn({ onSignedIn }: { onSignedIn: (key: string, info: KeyInfo) => void }) {
  const [key, setKey] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const secret = key.trim();
    if (!secret) {
      setProblem("Enter an API key first.");
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const info = await new Api(secret).get<KeyInfo>("/v1/me");
      if (!info.scopes.includes("read")) {
        setProblem(
          `The key "${info.name}" may only send CMS events. Sign in with a key that has the read or admin scope.`,
        );
      } else {
        onSignedIn(secret, info);
      }
    } catch (error) {
      setProblem(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>civilink console</h1>
      <p>
        Sign in with one of the server's API keys (CIVILINK_API_KEYS, or the admin key it printed at
        its first start).
      </p>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
      </form>
      <p class="muted">The key is kept in this tab only, until you sign out or close it.</p>
    </main>
  );
}
