export const CMS_KINDS = ["drupal", "backdrop", "wordpress", "joomla", "standalone"] as const;
export type CmsKind = (typeof CMS_KINDS)[number];

export const isCmsKind = (value: unknown): value is CmsKind =>
  typeof value === "string" && (CMS_KINDS as readonly string[]).includes(value);
