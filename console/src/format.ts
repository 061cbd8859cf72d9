/** Times as a person reads them, in their own time zone; the API's ISO text in the title. */
export const when = (iso: string | null) =>
  iso === null
    ? "—"
    : new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });

export const count = (value: number) => value.toLocaleString("en");
