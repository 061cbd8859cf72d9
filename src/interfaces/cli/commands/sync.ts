import type { Command } from "commander";
import { resolveUseCases } from "../../../infrastructure/container/use-cases.js";
import { EXIT } from "../exit-codes.js";
import { openStore } from "../open-store.js";
import { idOption } from "../options.js";
import { progressReporter } from "../progress.js";
import { cliFailureOf } from "../use-case-failure.js";

/** Sentences of the SPEC §9 summary, one a line. */
const summaryLines = (message: string) => `${message.replace(/\. (?=[A-Z])/g, ".\n")}\n`;

export function registerSync(program: Command) {
  program
    .command("sync")
    .description('"Synchronize Users to Contacts": link every user of the domain\'s directory')
    .option("--domain <id>", "domain id", idOption("domain"), 1)
    .option("--dry-run", "report what would happen and write nothing")
    .option("--json", "print the report as JSON")
    .action(async (options: { domain: number; dryRun?: boolean; json?: boolean }) => {
      const { container, store } = await openStore();
      const progress = progressReporter(options.dryRun ? "Dry run" : "Synchronizing");
      try {
        const result = await resolveUseCases(container).synchronizeAllUsers.execute({
          domainId: options.domain,
          dryRun: options.dryRun === true,
          onProgress: ({ processed, total }) => progress.update(processed, total),
        });
        progress.stop();
        if (result.isErr()) throw cliFailureOf(result.error);
        const { report, failures, message, dryRun, domainId } = result.value;
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ domainId, dryRun, report, failures, message })}\n`,
          );
        } else {
          if (dryRun) process.stdout.write("Dry run: nothing was written.\n");
          process.stdout.write(summaryLines(message));
          for (const failure of failures.slice(0, 20)) {
            process.stdout.write(`  user ${failure.userId}: ${failure.reason}\n`);
          }
          if (failures.length > 20) process.stdout.write(`  … and ${failures.length - 20} more\n`);
        }
        if (report.failed > 0) process.exitCode = EXIT.someUsersFailed;
      } finally {
        await store.close();
      }
    });
}
