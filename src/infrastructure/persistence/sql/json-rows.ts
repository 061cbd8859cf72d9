/** SQL types of the fields of a batch's JSON rows, as `json_to_recordset` reads them; `?`: or null. */
export type SqlType = "bigint" | "int" | "text" | "boolean";
export type FieldType = SqlType | `${SqlType}?`;

type FieldValue<T extends FieldType> = T extends `${infer Type extends SqlType}?`
  ? FieldValue<Type> | null
  : T extends "text"
    ? string
    : T extends "boolean"
      ? boolean
      : number;

/** A JSON row with exactly these fields: a field missing, added or of another type does not compile. */
export type JsonRow<F extends Record<string, FieldType>> = { [K in keyof F]: FieldValue<F[K]> };

/** `json_to_recordset`'s column definition list for rows with these fields. */
export const definitionList = (fields: Record<string, FieldType>) =>
  Object.entries(fields)
    .map(([name, type]) => `${name} ${type.replace("?", "")}`)
    .join(", ");
