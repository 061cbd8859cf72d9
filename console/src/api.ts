import type { ApiErrorBody } from "./api-types.js";

/** An answer of the API that is not a success, in the words the API gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const isErrorBody = (body: unknown): body is ApiErrorBody =>
  typeof body === "object" &&
  body !== null &&
  typeof (body as ApiErrorBody).error?.kind === "string" &&
  typeof (body as ApiErrorBody).error?.message === "string";

/** The API as this key may use it: same origin, JSON in and out. */
export class Api {
  /** `key` null: only the routes that need none (`/ready`). */
  constructor(private readonly key: string | null) {}

  get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") search.set(name, String(value));
    }
    const text = search.toString();
    return this.request<T>("GET", text ? `${path}?${text}` : path);
  }

  post<T>(path: string, body?: unknown) {
    return this.request<T>("POST", path, body);
  }

  put<T>(path: string, body: unknown) {
    return this.request<T>("PUT", path, body);
  }

  patch<T>(path: string, body: unknown) {
    return this.request<T>("PATCH", path, body);
  }

  delete(path: string) {
    return this.request<void>("DELETE", path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.key !== null) headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(
        0,
        "NoAnswer",
        "civilink did not answer. Check that the server runs, then try again.",
      );
    }
    if (response.status === 204) return undefined as T;
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) return answer as T;
    if (isErrorBody(answer)) {
      const { kind, message, details } = answer.error;
      throw new ApiError(response.status, kind, message, details);
    }
    throw new ApiError(
      response.status,
      "UnexpectedAnswer",
      `civilink answered ${response.status} without an explanation.`,
    );
  }
}

/** An error's text for a person: the API's own message, with the field details it gave. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? error.message : "Something went wrong in the console.";
  }
  const details = Array.isArray(error.details)
    ? error.details
        .filter(
          (detail): detail is { path: string; message: string } =>
            typeof detail?.path === "string" && typeof detail?.message === "string",
        )
        .map((detail) => `${detail.path} ${detail.message}`)
    : [];
  return details.length > 0 ? `${error.message} (${details.join("; ")})` : error.message;
}
