import { useState } from "preact/hooks";
import type { Contact } from "./api-types.js";
import type { ContactTies } from "./contact-page.js";
import { useSession } from "./session-context.js";
import { ErrorMessage } from "./shared.js";

const primaryOf = (contact: Contact) =>
  contact.emails.find((email) => email.isPrimary)?.email ?? "";

/** Names and primary email; a new primary email goes to the linked CMS users (§7). */
export function ContactEdit(props: { contact: Contact; ties: ContactTies[]; onSaved: () => void }) {
  const { api } = useSession();
  const { contact } = props;
  const [firstName, setFirstName] = useState(contact.firstName ?? "");
  const [lastName, setLastName] = useState(contact.lastName ?? "");
  const [primaryEmail, setPrimaryEmail] = useState(primaryOf(contact));
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    const patch: Record<string, string> = {};
    if (firstName !== (contact.firstName ?? "")) patch.firstName = firstName;
    if (lastName !== (contact.lastName ?? "")) patch.lastName = lastName;
    if (primaryEmail.trim() !== primaryOf(contact)) patch.primaryEmail = primaryEmail.trim();
    try {
      await api.patch<Contact>(`/v1/contacts/${contact.id}`, patch);
      setSaved(true);
      props.onSaved();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit contact</h2>
      <form class="settings" onSubmit={save}>
        <div class="field">
          <label for="first-name">First name</label>
          <input
            id="first-name"
            value={firstName}
            onInput={(event) => setFirstName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="last-name">Last name</label>
          <input
            id="last-name"
            value={lastName}
            onInput={(event) => setLastName(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="primary-email">Primary email</label>
          <input
            id="primary-email"
            type="email"
            value={primaryEmail}
            aria-describedby="primary-email-effect"
            onInput={(event) => setPrimaryEmail(event.currentTarget.value)}
          />
        </div>
        <p id="primary-email-effect" class="muted">
          {primaryEmailEffect(props.ties)}
        </p>
        <button type="submit">Save contact</button>
        {saved && <p role="status">Saved.</p>}
        {problem !== null && <ErrorMessage error={problem} />}
      </form>
    </section>
  );
}

/** Who a new primary email reaches, in words. */
function primaryEmailEffect(ties: ContactTies[]): string {
  const told = ties.filter((tie) => tie.links.length > 0 && tie.domain.syncCmsEmail);
  const notTold = ties.filter((tie) => tie.links.length > 0 && !tie.domain.syncCmsEmail);
  if (told.length === 0 && notTold.length === 0) {
    return "No CMS user is linked to this contact: a new primary email changes the contact only.";
  }
  const users = (tie: ContactTies) =>
    `${tie.domain.name} (${tie.links.map((link) => `user ${link.userId}`).join(", ")})`;
  const parts: string[] = [];
  if (told.length > 0) {
    parts.push(
      `A new primary email is sent to the linked CMS users of ${told.map(users).join("; ")}, unless another user of that domain already has it.`,
    );
  }
  if (notTold.length > 0) {
    parts.push(`Not to ${notTold.map(users).join("; ")}: email sync is off there.`);
  }
  return parts.join(" ");
}
