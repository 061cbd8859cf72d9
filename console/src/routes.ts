/** The console's screens, addressed by the URL's fragment (`#/contacts/7`). */
export type Route =
  | { screen: "overview" }
  | { screen: "domain"; domainId: number }
  | { screen: "users"; domainId: number }
  | { screen: "user"; domainId: number; userId: number }
  | { screen: "contacts"; query: string }
  | { screen: "contact"; contactId: number }
  | { screen: "unknown"; path: string };

const id = (text: string | undefined) =>
  text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : null;

export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { screen: "overview" };
  if (first === "contacts" && parts.length === 1) {
    return { screen: "contacts", query: new URLSearchParams(search).get("q") ?? "" };
  }
  if (first === "contacts" && parts.length === 2 && id(second) !== null) {
    return { screen: "contact", contactId: id(second) as number };
  }
  const domainId = first === "domains" ? id(second) : null;
  if (domainId !== null) {
    if (parts.length === 2) return { screen: "domain", domainId };
    if (third === "users" && parts.length === 3) return { screen: "users", domainId };
    const userId = id(fourth);
    if (third === "users" && parts.length === 4 && userId !== null) {
      return { screen: "user", domainId, userId };
    }
  }
  return { screen: "unknown", path };
}

export const hrefOf = {
  overview: () => "#/",
  domain: (domainId: number) => `#/domains/${domainId}`,
  users: (domainId: number) => `#/domains/${domainId}/users`,
  user: (domainId: number, userId: number) => `#/domains/${domainId}/users/${userId}`,
  contacts: (query = "") => (query ? `#/contacts?q=${encodeURIComponent(query)}` : "#/contacts"),
  contact: (contactId: number) => `#/contacts/${contactId}`,
};
