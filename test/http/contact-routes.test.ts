import { describe, expect, it } from "vitest";
import { type Harness, ISO_TIME, makeHarness } from "./support/http-harness.js";

async function createAda(h: Harness) {
  const response = await h.http
    .post("/v1/contacts")
    .set(h.auth("admin"))
    .send({ firstName: "Ada", lastName: "Lovelace", emails: [{ email: " ADA@x.org " }] });
  expect(response.status).toBe(201);
  return response.body as { id: number };
}

describe("POST /v1/contacts", () => {
  it("creates a contact: 201 with the Contact and its Location", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ firstName: "Ada", lastName: "Lovelace", emails: [{ email: " ADA@x.org " }] });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(Number),
      contactType: "Individual",
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
      emails: [{ email: "ada@x.org", isPrimary: true, locationType: "Home" }],
      isDeleted: false,
      createdAt: expect.stringMatching(ISO_TIME),
    });
    expect(response.headers.location).toBe(`/v1/contacts/${response.body.id}`);
  });

  it("creates an organization with several emails, no names", async () => {
    const h = makeHarness();
    const response = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({
        contactType: "Organization",
        displayName: "ACME",
        emails: [
          { email: "info@acme.org", locationType: "Work" },
          { email: "boss@acme.org", isPrimary: true },
        ],
      });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      contactType: "Organization",
      firstName: null,
      lastName: null,
      displayName: "ACME",
      emails: [
        { email: "info@acme.org", isPrimary: false, locationType: "Work" },
        { email: "boss@acme.org", isPrimary: true, locationType: "Home" },
      ],
    });
  });

  it("creates a contact from an empty body", async () => {
    const h = makeHarness();
    const response = await h.http.post("/v1/contacts").set(h.auth("admin")).send({});
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ contactType: "Individual", emails: [] });
  });

  it("refuses an invalid email, two primaries, a wrong type and unknown fields", async () => {
    const h = makeHarness();
    const invalid = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ emails: [{ email: "nope" }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toEqual({
      kind: "ValidationFailed",
      message: expect.any(String),
      details: [{ path: "emails.0.email", message: "must be a valid email address" }],
    });
    const twoPrimaries = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({
        emails: [
          { email: "a@x.org", isPrimary: true },
          { email: "b@x.org", isPrimary: true },
        ],
      });
    expect(twoPrimaries.status).toBe(400);
    const wrong = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ contactType: "Robot", firstName: 3, emails: "a@x.org", phone: "123" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      "contactType",
      "emails",
      "firstName",
      "phone",
    ]);
    expect(wrong.body.error.details).toContainEqual({
      path: "phone",
      message: "is not a known field",
    });
  });
});

describe("GET /v1/contacts/{contactId}", () => {
  it("answers the contact", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const response = await h.http.get(`/v1/contacts/${id}`).set(h.auth("read"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id,
      contactType: "Individual",
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
      emails: [{ email: "ada@x.org", isPrimary: true, locationType: "Home" }],
      isDeleted: false,
      createdAt: expect.stringMatching(ISO_TIME),
    });
  });

  it("answers 404 ContactNotFound and 400 for a bad id", async () => {
    const h = makeHarness();
    const missing = await h.http.get("/v1/contacts/999").set(h.auth("read"));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { kind: "ContactNotFound", message: expect.any(String) },
    });
    const bad = await h.http.get("/v1/contacts/seven").set(h.auth("read"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: "path.contactId", message: "must be a positive integer" },
    ]);
  });
});

describe("GET /v1/contacts?email=", () => {
  it("finds contacts by email key, trashed ones only with includeDeleted=true", async () => {
    const h = makeHarness();
    const ada = await createAda(h);
    const other = await h.http
      .post("/v1/contacts")
      .set(h.auth("admin"))
      .send({ firstName: "Augusta", emails: [{ email: "x@x.org" }, { email: "ada@x.org" }] });
    await h.http.delete(`/v1/contacts/${ada.id}`).set(h.auth("admin")).expect(204);

    const live = await h.http.get("/v1/contacts?email=ADA@x.org").set(h.auth("read"));
    expect(live.status).toBe(200);
    expect(live.body).toEqual({
      contacts: [expect.objectContaining({ id: other.body.id, isDeleted: false })],
    });
    const all = await h.http
      .get("/v1/contacts")
      .query({ email: "ada@x.org", includeDeleted: "true" })
      .set(h.auth("read"));
    expect(all.body.contacts.map((c: { id: number }) => c.id).sort()).toEqual(
      [ada.id, other.body.id].sort(),
    );
    expect(all.body.contacts.find((c: { id: number }) => c.id === ada.id).isDeleted).toBe(true);
    const explicitFalse = await h.http
      .get("/v1/contacts?email=ada@x.org&includeDeleted=false")
      .set(h.auth("read"));
    expect(explicitFalse.body.contacts).toHaveLength(1);
    const none = await h.http.get("/v1/contacts?email=nobody@x.org").set(h.auth("read"));
    expect(none.body).toEqual({ contacts: [] });
  });

  it("needs a valid email and refuses other parameters", async () => {
    const h = makeHarness();
    const cases: [string, string][] = [
      ["", "query.email"],
      ["?email=a@x.org&includeDeleted=yes", "query.includeDeleted"],
      ["?email=a@x.org&limit=5", "query.limit"],
      ["?email=broken", "query.email"],
    ];
    for (const [query, path] of cases) {
      const response = await h.http.get(`/v1/contacts${query}`).set(h.auth("read"));
      expect(response.status, query).toBe(400);
      expect(response.body.error.kind).toBe("ValidationFailed");
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });
});

describe("PATCH /v1/contacts/{contactId}", () => {
  it("renames a contact; its display name follows", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const response = await h.http
      .patch(`/v1/contacts/${id}`)
      .set(h.auth("admin"))
      .send({ firstName: "Augusta Ada" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id,
      firstName: "Augusta Ada",
      lastName: "Lovelace",
      displayName: "Augusta Ada Lovelace",
    });
  });

  it("replaces the primary email in place and reaches the linked user (§7)", async () => {
    const h = makeHarness();
    const outcome = await h.http
      .post("/v1/domains/1/users/5/registered")
      .set(h.auth("events"))
      .send({ email: "a@x.org" });
    const contactId = outcome.body.contactId as number;
    const response = await h.http
      .patch(`/v1/contacts/${contactId}`)
      .set(h.auth("admin"))
      .send({ primaryEmail: "N@x.org" });
    expect(response.status).toBe(200);
    expect(response.body.emails).toEqual([
      { email: "n@x.org", isPrimary: true, locationType: "Home" },
    ]);
    const link = await h.http.get("/v1/domains/1/users/5/link").set(h.auth("read"));
    expect(link.body.ufName).toBe("n@x.org");
  });

  it("answers 404 ContactNotFound, and 400 for bad input", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const missing = await h.http.patch("/v1/contacts/999").set(h.auth("admin")).send({});
    expect(missing.status).toBe(404);
    expect(missing.body.error.kind).toBe("ContactNotFound");
    const badEmail = await h.http
      .patch(`/v1/contacts/${id}`)
      .set(h.auth("admin"))
      .send({ primaryEmail: "not mail" });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details).toEqual([
      { path: "primaryEmail", message: "must be a valid email address" },
    ]);
    const unknown = await h.http
      .patch(`/v1/contacts/${id}`)
      .set(h.auth("admin"))
      .send({ displayName: "X", emails: [] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      { path: "displayName", message: "is not a known field" },
      { path: "emails", message: "is not a known field" },
    ]);
    const wrongType = await h.http
      .patch(`/v1/contacts/${id}`)
      .set(h.auth("admin"))
      .send({ lastName: ["L"] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details[0].path).toBe("lastName");
  });
});

describe("DELETE /v1/contacts/{contactId}", () => {
  it("moves a contact to the trash: 204 without a body", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const response = await h.http.delete(`/v1/contacts/${id}`).set(h.auth("admin"));
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    const read = await h.http.get(`/v1/contacts/${id}`).set(h.auth("read"));
    expect(read.body.isDeleted).toBe(true);
  });

  it("refuses a linked contact: 409 ContactIsLinked", async () => {
    const h = makeHarness();
    const outcome = await h.http
      .post("/v1/domains/1/users/5/registered")
      .set(h.auth("events"))
      .send({ email: "a@x.org" });
    const contactId = outcome.body.contactId as number;
    const response = await h.http.delete(`/v1/contacts/${contactId}`).set(h.auth("admin"));
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: { kind: "ContactIsLinked", message: expect.any(String), details: { domainIds: [1] } },
    });
    const read = await h.http.get(`/v1/contacts/${contactId}`).set(h.auth("read"));
    expect(read.body.isDeleted).toBe(false);
  });

  it("answers 404 ContactNotFound for a contact that does not exist", async () => {
    const h = makeHarness();
    const response = await h.http.delete("/v1/contacts/999").set(h.auth("admin"));
    expect(response.status).toBe(404);
    expect(response.body.error.kind).toBe("ContactNotFound");
  });
});

describe("POST /v1/contacts/{contactId}/restore", () => {
  const restore = (h: Harness, id: number | string) =>
    h.http.post(`/v1/contacts/${id}/restore`).set(h.auth("admin"));

  it("takes a trashed contact out of the trash: 200 with the contact", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const before = await h.http.get(`/v1/contacts/${id}`).set(h.auth("read"));
    await h.http.delete(`/v1/contacts/${id}`).set(h.auth("admin")).expect(204);
    const response = await restore(h, id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(before.body);
    expect(response.body.isDeleted).toBe(false);
    const read = await h.http.get(`/v1/contacts/${id}`).set(h.auth("read"));
    expect(read.body).toEqual(before.body);
    const found = await h.http.get("/v1/contacts?email=ada@x.org").set(h.auth("read"));
    expect(found.body.contacts.map((c: { id: number }) => c.id)).toEqual([id]);
  });

  it("a restored Individual is a candidate again: a user with its email is linked to it", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    await h.http.delete(`/v1/contacts/${id}`).set(h.auth("admin")).expect(204);
    await restore(h, id).expect(200);
    const outcome = await h.http
      .post("/v1/domains/1/users/5/logged-in")
      .set(h.auth("events"))
      .send({ email: "ada@x.org" });
    expect(outcome.body).toMatchObject({ outcome: "linked-existing", contactId: id });
  });

  it("leaves a contact that is not in the trash as it is", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    const before = await h.http.get(`/v1/contacts/${id}`).set(h.auth("read"));
    const again = await restore(h, id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(before.body);
  });

  it("takes no body or an empty JSON object, nothing else", async () => {
    const h = makeHarness();
    const { id } = await createAda(h);
    expect((await restore(h, id).send({})).status).toBe(200);
    const unknown = await restore(h, id).send({ force: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      { path: "force", message: "is not a known field" },
    ]);
    const notJson = await restore(h, id).set("Content-Type", "text/plain").send("x");
    expect(notJson.status).toBe(415);
    const malformed = await restore(h, id).set("Content-Type", "application/json").send("{");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.kind).toBe("MalformedJson");
  });

  it("answers 404 ContactNotFound, 400 for a bad id, and needs the admin scope", async () => {
    const h = makeHarness();
    const missing = await restore(h, 999);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { kind: "ContactNotFound", message: expect.any(String) },
    });
    const bad = await restore(h, "0");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: "path.contactId", message: "must be a positive integer" },
    ]);
    expect((await h.http.post("/v1/contacts/1/restore")).status).toBe(401);
    for (const key of ["read", "events", "eventsAndRead"] as const) {
      const response = await h.http.post("/v1/contacts/1/restore").set(h.auth(key));
      expect(response.status, key).toBe(403);
    }
  });
});
