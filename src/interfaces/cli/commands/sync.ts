import type { Command } from "commander";
import type { CmsSourceSpec, SyncResult } from "../../../application/index.js";
import { syncSummaryLines } from "../../../domain/index.js";
import { resolveUseCases } from "../../../infrastructure/container/index.js";
import {
  addCmsSourceOptions,
  type CmsSourceOptions,
  cmsImportLines,
  cmsSourceOf,
} from "../cms-source-options.js";
import { EXIT } from "../exit-codes.js";
import { type OpenedStore, openStore } from "../open-store.js";
import { idOption } from "../options.js";
import { progressReporter } from "../progress.js";
import { cliFailureOf } from "../use-case-failure.js";

interface SyncOptions extends CmsSourceOptions {
  domain: number;
  dryRun?: boolean;
  json?: boolean;
}

export function registerSync(program: Command) {
  const command = program
    .command("sync")
    .description(
      "\"Synchronize Users to Contacts\": link every user of the domain's directory; with --from and --source, import the users from the CMS's database first",
    )
    .option("--domain <id>", "domain id", idOption("domain"), 1)
    .option("--dry-run", "report what would happen and write nothing");
  addCmsSourceOptions(command)
    .option("--json", "print the report as JSON")
    .action(async (options: SyncOptions) => {
      const source = cmsSourceOf(options);
      const opened = await openStore();
      try {
        await (source ? syncFromCms(opened, source, options) : syncDirectory(opened, options));
      } finally {
        await opened.store.close();
      }
    });
}

async function syncDirectory({ container }: OpenedStore, options: SyncOptions) {
  const progress = progressReporter(options.dryRun ? "Dry run" : "Synchronizing");
  const result = await resolveUseCases(container).synchronizeAllUsers.execute({
    domainId: options.domain,
    dryRun: options.dryRun === true,
    onProgress: ({ processed, total }) => progress.update(processed, total),
  });
  progress.stop();
  if (result.isErr()) throw cliFailureOf(result.error);
  const { domainId, dryRun, report, failures, message } = result.value;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ domainId, dryRun, report, failures, message })}\n`);
  } else {
    writeSync(result.value);
  }
  if (report.failed > 0) process.exitCode = EXIT.someUsersFailed;
}

async function syncFromCms(
  { container }: OpenedStore,
  source: CmsSourceSpec,
  options: SyncOptions,
) {
  const importing = progressReporter(options.dryRun ? "Importing (dry run)" : "Importing");
  const syncing = progressReporter(options.dryRun ? "Dry run" : "Synchronizing");
  let imported = false;
  const result = await resolveUseCases(container).synchronizeUsersFromCms.execute({
    domainId: options.domain,
    source,
    prune: options.prune === true,
    dryRun: options.dryRun === true,
    onImportProgress: ({ read, total }) => importing.update(read, total),
    onSyncProgress: ({ processed, total }) => {
      if (!imported) importing.stop();
      imported = true;
      syncing.update(processed, total);
    },
  });
  if (!imported) importing.stop();
  syncing.stop();
  if (result.isErr()) throw cliFailureOf(result.error);
  const { import: importResult, sync } = result.value;
  if (options.json) {
    const { domainId, dryRun, report, failures, message } = sync;
    process.stdout.write(
      `${JSON.stringify({ import: importResult, domainId, dryRun, report, failures, message })}\n`,
    );
  } else {
    process.stdout.write(cmsImportLines(importResult, options.prune === true));
    writeSync(sync);
  }
  if (sync.report.failed > 0) process.exitCode = EXIT.someUsersFailed;
}

/** The §9 summary of the report, a sentence a line, then the first failures. */
function writeSync({ dryRun, report, failures }: SyncResult) {
  if (dryRun) process.stdout.write("Dry run: nothing was written.\n");
  for (const line of syncSummaryLines(report)) process.stdout.write(`${line}\n`);
  for (const failure of failures.slice(0, 20)) {
    process.stdout.write(`  user ${failure.userId}: ${failure.reason}\n`);
  }
  if (failures.length > 20) process.stdout.write(`  … and ${failures.length - 20} more\n`);
}
