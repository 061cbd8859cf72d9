import { useState } from "preact/hooks";
import type { Contact } from "./api-types.js";
import { hrefOf } from "./routes.js";
import { useSession } from "./session-context.js";
import { Shown } from "./shared.js";
import { useLoad } from "./use-load.js";

/** A search by email (the text has an @) or by name, in the URL so that Back returns to it. */
export function ContactsSearch({ query }: { query: string }) {
  const { api } = useSession();
  const [text, setText] = useState(query);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [found] = useLoad(async () => {
    if (!query) return null;
    const by = query.includes("@") ? { email: query } : { name: query };
    return api.get<{ contacts: Contact[]; nextCursor?: string | null }>("/v1/contacts", {
      ...by,
      ...(includeDeleted ? { includeDeleted: true } : {}),
    });
  }, [api, query, includeDeleted]);
  const submit = (event: Event) => {
    event.preventDefault();
    location.hash = hrefOf.contacts(text.trim());
  };
  return (
    <main>
      <h1>Contacts</h1>
      <search>
        <form class="search" onSubmit={submit}>
          <label for="contact-search">Search by email or name</label>
          <input
            id="contact-search"
            type="search"
            value={text}
            placeholder="ada@example.org or Lovelace"
            onInput={(event) => setText(event.currentTarget.value)}
          />
          <button type="submit">Search</button>
          <label class="check">
            <input
              type="checkbox"
              checked={includeDeleted}
              onChange={(event) => setIncludeDeleted(event.currentTarget.checked)}
            />
            Include contacts in the trash
          </label>
        </form>
      </search>
      <Shown loaded={found}>
        {(answer) =>
          answer === null ? null : (
            <Results contacts={answer.contacts} query={query} more={Boolean(answer.nextCursor)} />
          )
        }
      </Shown>
    </main>
  );
}

function Results({ contacts, query, more }: { contacts: Contact[]; query: string; more: boolean }) {
  if (contacts.length === 0) {
    return <p role="status">No contact matches “{query}”.</p>;
  }
  return (
    <>
      <p role="status">
        {contacts.length === 1 ? "1 contact" : `${contacts.length} contacts`} for “{query}”
        {more ? ", the first ones only: add to the search to narrow it." : ""}
      </p>
      <ul class="results">
        {contacts.map((contact) => (
          <li key={contact.id}>
            <a href={hrefOf.contact(contact.id)}>
              {contact.displayName || `Contact ${contact.id}`}
            </a>{" "}
            <span class="muted">
              {contact.emails.find((email) => email.isPrimary)?.email ?? "no email"} ·{" "}
              {contact.contactType} · id {contact.id}
              {contact.isDeleted ? " · in the trash" : ""}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
