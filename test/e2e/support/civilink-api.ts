/** civilink's API as the tests read it, with a key of their own. */
export interface Link {
  domainId: number;
  userId: number;
  contactId: number;
  ufName: string;
}

export interface Contact {
  id: number;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  emails: { email: string; isPrimary: boolean }[];
}

export interface AuditEntry {
  userId: number | null;
  contactId: number | null;
  action: string;
  trigger: string;
}

export interface Answer<T> {
  status: number;
  body: T;
}

export class CivilinkApi {
  constructor(
    private readonly baseUrl: () => string,
    private readonly key: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const response = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  get<T>(path: string): Promise<Answer<T>> {
    return this.call<T>("GET", path);
  }

  /** The user's link in domain 1, or null when civilink answers 404 LinkNotFound. */
  async link(userId: number, domainId = 1): Promise<Link | null> {
    const answer = await this.get<Link>(`/v1/domains/${domainId}/users/${userId}/link`);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw new Error(`link: ${answer.status} ${JSON.stringify(answer)}`);
    return answer.body;
  }

  async contact(contactId: number): Promise<Contact> {
    const answer = await this.get<Contact>(`/v1/contacts/${contactId}`);
    if (answer.status !== 200) throw new Error(`contact: ${answer.status}`);
    return answer.body;
  }

  async contactsByEmail(email: string): Promise<Contact[]> {
    const answer = await this.get<{ contacts: Contact[] }>(
      `/v1/contacts?email=${encodeURIComponent(email)}`,
    );
    return answer.body.contacts;
  }

  async audit(userId: number, domainId = 1): Promise<AuditEntry[]> {
    const answer = await this.get<{ entries: AuditEntry[] }>(
      `/v1/domains/${domainId}/audit?userId=${userId}`,
    );
    return answer.body.entries;
  }

  /** Every link of the domain, page after page. */
  async allLinks(domainId = 1): Promise<Link[]> {
    const links: Link[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const answer = await this.get<{ links: Link[]; nextCursor: string | null }>(
        `/v1/domains/${domainId}/links?limit=1000${query}`,
      );
      links.push(...answer.body.links);
      cursor = answer.body.nextCursor;
    } while (cursor !== null);
    return links;
  }
}

/** The primary email of a contact. */
export const primaryEmail = (contact: Contact) =>
  contact.emails.find((email) => email.isPrimary)?.email ?? null;
