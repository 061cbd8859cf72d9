import type { ComponentChildren } from "preact";
import { errorText } from "./api.js";
import type { Loaded } from "./use-load.js";

/** An error as the API worded it, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

/** The loaded value handed to `children`, or a loading line, or the error. */
export function Shown<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (value: T) => ComponentChildren;
}) {
  if (loaded.state === "loading") return <p class="muted">Loading…</p>;
  if (loaded.state === "failed") return <ErrorMessage error={loaded.error} />;
  return <>{children(loaded.value)}</>;
}

/** A note in place of a control the key's scopes do not allow. */
export function NeedsScope({ scope, what }: { scope: "read" | "admin"; what: string }) {
  return (
    <p class="muted">
      {what} needs a key with the <strong>{scope}</strong> scope.
    </p>
  );
}
