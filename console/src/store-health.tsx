import { Api } from "./api.js";
import { ErrorMessage } from "./shared.js";
import { useLoad } from "./use-load.js";

/** `/ready`: whether the store answers (no key needed). */
export function StoreHealth() {
  const [ready] = useLoad(() => new Api(null).get<{ status: string }>("/ready"), []);
  if (ready.state === "loading") return <p class="muted">Checking the store…</p>;
  if (ready.state === "failed") {
    return (
      <div class="health bad">
        <strong>Store: not available.</strong> <ErrorMessage error={ready.error} />
      </div>
    );
  }
  return (
    <p class="health good">
      <strong>Store: ready.</strong> It answers; users can be linked.
    </p>
  );
}
