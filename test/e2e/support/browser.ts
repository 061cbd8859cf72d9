/** An answer of the site, read whole; redirects are not followed. */
export interface Page {
  status: number;
  location: string | null;
  body: string;
  /** How long the request took, in milliseconds. */
  ms: number;
}

/** A browser without JavaScript: a cookie jar over fetch, forms posted as a browser posts them. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  get(path: string): Promise<Page> {
    return this.request("GET", path);
  }

  post(path: string, form: Record<string, string>): Promise<Page> {
    return this.request("POST", path, new URLSearchParams(form));
  }

  private async request(method: string, path: string, form?: URLSearchParams): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const started = performance.now();
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(form ? { body: form.toString() } : {}),
      redirect: "manual",
    });
    const body = await response.text();
    const ms = performance.now() - started;
    for (const cookie of response.headers.getSetCookie()) this.keep(cookie);
    return { status: response.status, location: response.headers.get("location"), body, ms };
  }

  private keep(setCookie: string) {
    const [pair = "", ...attributes] = setCookie.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expires = attributes
      .map((attribute) => attribute.trim())
      .find((attribute) => attribute.toLowerCase().startsWith("expires="));
    const expired = expires !== undefined && Date.parse(expires.slice(8)) < Date.now();
    if (expired || value === "" || value === "deleted") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** Logs in through the real wp-login.php form; resolves with the form POST's answer. */
  async logIn(user: string, password: string): Promise<Page> {
    await this.get("/wp-login.php");
    return this.post("/wp-login.php", {
      log: user,
      pwd: password,
      "wp-submit": "Log In",
      redirect_to: new URL("/wp-admin/", this.baseUrl).toString(),
      testcookie: "1",
    });
  }
}

/** The value of a form field of an HTML page, by its name. */
export function fieldValue(html: string, name: string): string {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
  if (value === undefined) throw new Error(`no field ${name} on the page`);
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&#039;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The HTML of the form with this id. */
export function formHtml(html: string, id: string): string {
  const start = html.search(new RegExp(`<form[^>]*id="${id}"`));
  if (start < 0) throw new Error(`no form ${id} on the page`);
  const end = html.indexOf("</form>", start);
  return html.slice(start, end < 0 ? undefined : end);
}
