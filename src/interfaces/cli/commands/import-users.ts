import { createReadStream } from "node:fs";
import { access, constants, stat } from "node:fs/promises";
import { type Command, Option } from "commander";
import type { CmsSourceSpec } from "../../../application/index.js";
import { resolveUseCases } from "../../../infrastructure/container/index.js";
import {
  formatOfFileName,
  IMPORT_FORMATS,
  type ImportFormat,
  importRows,
} from "../../shared-import/index.js";
import {
  addCmsSourceOptions,
  type CmsSourceOptions,
  cmsImportLines,
  cmsSourceOf,
} from "../cms-source-options.js";
import { CliFailure, EXIT } from "../exit-codes.js";
import { openStore } from "../open-store.js";
import { idOption } from "../options.js";
import { progressReporter } from "../progress.js";
import { cliFailureOf } from "../use-case-failure.js";

interface ImportOptions extends CmsSourceOptions {
  domain: number;
  format?: ImportFormat;
  json?: boolean;
}

/** Checks the file before the store is opened, so that a typo fails at once with exit 2. */
async function readableFile(file: string): Promise<number> {
  try {
    await access(file, constants.R_OK);
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    return info.size;
  } catch (cause) {
    throw new CliFailure(`cannot read ${file}: ${(cause as Error).message}`, EXIT.badInput);
  }
}

export function registerImportUsers(program: Command) {
  const command = program
    .command("import-users")
    .description(
      "load a domain's users into its directory: from an export (CSV or NDJSON), or straight from the CMS's database (--from, --source)",
    )
    .argument("[file]", "the export; .csv or .ndjson/.jsonl unless --format says")
    .option("--domain <id>", "domain id", idOption("domain"), 1)
    .addOption(new Option("--format <format>", "the file's format").choices(IMPORT_FORMATS));
  addCmsSourceOptions(command)
    .option("--json", "print the result as JSON")
    .action(async (file: string | undefined, options: ImportOptions) => {
      const source = cmsSourceOf(options);
      if (source && file !== undefined) {
        throw new CliFailure("give a file or --from and --source, not both", EXIT.badInput);
      }
      if (source) return importFromCms(source, options);
      if (file === undefined) {
        throw new CliFailure(
          "give the export file to import, or --from and --source to read the CMS's database",
          EXIT.badInput,
        );
      }
      return importFile(file, options);
    });
}

async function importFile(file: string, options: ImportOptions) {
  const format = options.format ?? formatOfFileName(file);
  if (!format) {
    throw new CliFailure(
      `cannot tell the format of ${file}: name it .csv or .ndjson, or pass --format`,
      EXIT.badInput,
    );
  }
  const size = await readableFile(file);
  const { container, store } = await openStore();
  try {
    const input = createReadStream(file);
    let lastShown = 0;
    const result = await resolveUseCases(container).importUsers.execute({
      domainId: options.domain,
      rows: importRows(format, input),
      onProgress: (linesRead) => {
        const now = Date.now();
        if (process.stderr.isTTY || now - lastShown >= 2_000) {
          lastShown = now;
          const percent = size > 0 ? Math.floor((input.bytesRead / size) * 100) : 100;
          process.stderr.write(`Importing: ${linesRead} lines read (${percent}%)\n`);
        }
      },
    });
    if (result.isErr()) throw cliFailureOf(result.error);
    const { imported, updated, rejected, rejectedCount } = result.value;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result.value)}\n`);
    } else {
      process.stdout.write(
        `Imported ${imported} new users, updated ${updated}, rejected ${rejectedCount} lines.\n`,
      );
      for (const rejection of rejected.slice(0, 20)) {
        process.stdout.write(`  line ${rejection.line}: ${rejection.error}\n`);
      }
      if (rejectedCount > 20) process.stdout.write(`  … and ${rejectedCount - 20} more\n`);
    }
  } finally {
    await store.close();
  }
}

async function importFromCms(source: CmsSourceSpec, options: ImportOptions) {
  const { container, store } = await openStore();
  const progress = progressReporter("Importing");
  try {
    const result = await resolveUseCases(container).importUsersFromCms.execute({
      domainId: options.domain,
      source,
      prune: options.prune === true,
      onProgress: ({ read, total }) => progress.update(read, total),
    });
    progress.stop();
    if (result.isErr()) throw cliFailureOf(result.error);
    process.stdout.write(
      options.json
        ? `${JSON.stringify(result.value)}\n`
        : cmsImportLines(result.value, options.prune === true),
    );
  } finally {
    await store.close();
  }
}
