import { useState } from "preact/hooks";
import { ApiError } from "./api.js";
import type { Contact } from "./api-types.js";
import { useSession } from "./session-context.js";
import { ErrorMessage } from "./shared.js";

/** Why a trash was refused, and what to do, for `ContactIsLinked`. */
const linkedExplanation = (error: ApiError) =>
  `${error.message} A contact stays out of the trash while a CMS user is linked to it: delete or unlink those users in their CMS first.`;

export function ContactActions({
  contact,
  onChanged,
}: {
  contact: Contact;
  onChanged: () => void;
}) {
  const { api } = useSession();
  const [problem, setProblem] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    setRefusal(null);
    try {
      await action();
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.kind === "ContactIsLinked")
        setRefusal(linkedExplanation(error));
      else setProblem(error);
    }
  };
  return (
    <section aria-labelledby="trash-heading">
      <h2 id="trash-heading">Trash</h2>
      {contact.isDeleted ? (
        <>
          <p>This contact is in the trash: searches and linking pass it over.</p>
          <button
            type="button"
            onClick={() => act(() => api.post(`/v1/contacts/${contact.id}/restore`))}
          >
            Restore contact
          </button>
        </>
      ) : (
        <button
          type="button"
          class="danger"
          onClick={() => act(() => api.delete(`/v1/contacts/${contact.id}`))}
        >
          Move to trash
        </button>
      )}
      {refusal && (
        <p class="error" role="alert">
          {refusal}
        </p>
      )}
      {problem !== null && <ErrorMessage error={problem} />}
    </section>
  );
}
