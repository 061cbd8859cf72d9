import { type Command, Option } from "commander";
import {
  type CmsImportResult,
  type CmsSourceSpec,
  SOURCE_CMS_KINDS,
  type SourceCms,
} from "../../application/index.js";
import { CliFailure, EXIT } from "./exit-codes.js";
import { idOption } from "./options.js";

/** The options that read a domain's users straight from its CMS's database. */
export interface CmsSourceOptions {
  from?: SourceCms;
  source?: string;
  prefix?: string;
  site?: number;
  skipBlocked?: boolean;
  prune?: boolean;
}

export function addCmsSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--from <cms>", "read the users from this CMS's own database").choices(
        SOURCE_CMS_KINDS,
      ),
    )
    .option("--source <url>", "the CMS's database: mysql://user:password@host/db or postgres://…")
    .option("--prefix <prefix>", "the CMS's table prefix (default wp_ for WordPress, else none)")
    .option("--site <id>", "WordPress multisite: only the users of this site", idOption("domain"))
    .option("--skip-blocked", "leave out the users the CMS has blocked")
    .option("--prune", "remove from the directory the users the CMS no longer has");
}

/** The source the options name, or null when they name none; exit 2 when half of one. */
export function cmsSourceOf(options: CmsSourceOptions): CmsSourceSpec | null {
  const readsCms = options.from !== undefined || options.source !== undefined;
  if (!readsCms) {
    const stray = (["prefix", "site", "skipBlocked", "prune"] as const).find(
      (name) => options[name] !== undefined,
    );
    if (stray) throw new CliFailure(`--${dashed(stray)} needs --from and --source`, EXIT.badInput);
    return null;
  }
  if (!options.from) throw new CliFailure("--source needs --from (the CMS)", EXIT.badInput);
  if (!options.source) {
    throw new CliFailure("--from needs --source (the CMS's database URL)", EXIT.badInput);
  }
  return {
    cms: options.from,
    url: options.source,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.site === undefined ? {} : { site: options.site }),
    ...(options.skipBlocked ? { skipBlocked: true } : {}),
  };
}

const dashed = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What an import from a CMS did, in lines for a person. */
export function cmsImportLines(result: CmsImportResult, pruneAsked: boolean): string {
  const lines = [
    `Read ${plural(result.read, "row", "rows")}: ${result.source}.`,
    `Imported ${result.imported} new users, updated ${result.updated}, rejected ${plural(result.rejectedCount, "row", "rows")}.`,
    ...result.rejected
      .slice(0, 20)
      .map((rejection) => `  row ${rejection.line}: ${rejection.error}`),
  ];
  if (result.rejectedCount > 20) lines.push(`  … and ${result.rejectedCount - 20} more`);
  if (pruneAsked) {
    if (result.pruned > 0) {
      const links =
        result.unlinked === 0
          ? "none was linked"
          : result.unlinked === 1
            ? "1 was linked: its link is gone"
            : `${result.unlinked} were linked: their links are gone`;
      lines.push(
        `Removed ${plural(result.pruned, "user", "users")} no longer in the CMS from the directory; ${links}.`,
      );
    }
  } else if (result.missing > 0) {
    lines.push(
      `${plural(result.missing, "user is", "users are")} no longer in the CMS; --prune removes them.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
