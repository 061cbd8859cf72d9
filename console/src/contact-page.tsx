import type { AuditEntry, Contact, Domain, Link } from "./api-types.js";
import { AuditTable } from "./audit-table.js";
import { ContactActions } from "./contact-actions.js";
import { ContactEdit } from "./contact-edit.js";
import { hrefOf } from "./routes.js";
import { useCan, useSession } from "./session-context.js";
import { NeedsScope, Shown } from "./shared.js";
import { useLoad } from "./use-load.js";

/** What the contact is tied to in each domain: its links and its audit trail there. */
export interface ContactTies {
  domain: Domain;
  links: Link[];
  audit: AuditEntry[];
}

export function ContactPage({ contactId }: { contactId: number }) {
  const { api } = useSession();
  const canEdit = useCan("admin");
  const [contact, reloadContact] = useLoad(
    () => api.get<Contact>(`/v1/contacts/${contactId}`),
    [api, contactId],
  );
  const [ties, reloadTies] = useLoad(async () => {
    const { domains } = await api.get<{ domains: Domain[] }>("/v1/domains");
    return Promise.all(
      domains.map(async (domain): Promise<ContactTies> => {
        const [links, audit] = await Promise.all([
          api.get<{ links: Link[] }>(`/v1/domains/${domain.id}/links`, { contactId, limit: 1000 }),
          api.get<{ entries: AuditEntry[] }>(`/v1/domains/${domain.id}/audit`, {
            contactId,
            limit: 100,
          }),
        ]);
        return { domain, links: links.links, audit: audit.entries };
      }),
    );
  }, [api, contactId]);
  const changed = () => {
    reloadContact();
    reloadTies();
  };
  return (
    <main>
      <p>
        <a href={hrefOf.contacts()}>← Contacts</a>
      </p>
      <Shown loaded={contact}>
        {(contact) => (
          <>
            <h1>
              {contact.displayName || `Contact ${contact.id}`}{" "}
              <span class="muted">
                {contact.contactType}, id {contact.id}
                {contact.isDeleted ? ", in the trash" : ""}
              </span>
            </h1>
            <section aria-labelledby="emails-heading">
              <h2 id="emails-heading">Emails</h2>
              {contact.emails.length === 0 ? (
                <p class="muted">No email.</p>
              ) : (
                <ul>
                  {contact.emails.map((email) => (
                    <li key={email.email}>
                      {email.email}{" "}
                      <span class="muted">
                        {email.locationType}
                        {email.isPrimary ? ", primary" : ""}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <Shown loaded={ties}>
              {(ties) => (
                <>
                  <LinkedUsers ties={ties} />
                  {canEdit ? (
                    <>
                      <ContactEdit contact={contact} ties={ties} onSaved={changed} />
                      <ContactActions contact={contact} onChanged={changed} />
                    </>
                  ) : (
                    <NeedsScope scope="admin" what="Editing, trashing or restoring a contact" />
                  )}
                  <section aria-labelledby="audit-heading">
                    <h2 id="audit-heading">Audit trail</h2>
                    <AuditTable entries={ties.flatMap((tie) => tie.audit)} />
                  </section>
                </>
              )}
            </Shown>
          </>
        )}
      </Shown>
    </main>
  );
}

function LinkedUsers({ ties }: { ties: ContactTies[] }) {
  const linked = ties.filter((tie) => tie.links.length > 0);
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">Linked users</h2>
      {linked.length === 0 ? (
        <p class="muted">No user is linked to this contact in any domain.</p>
      ) : (
        <ul>
          {linked.flatMap((tie) =>
            tie.links.map((link) => (
              <li key={`${link.domainId}/${link.userId}`}>
                {tie.domain.name} (domain {link.domainId}):{" "}
                <a href={hrefOf.user(link.domainId, link.userId)}>user {link.userId}</a>{" "}
                <span class="muted">{link.ufName}</span>
              </li>
            )),
          )}
        </ul>
      )}
    </section>
  );
}
