import { Command, CommanderError } from "commander";
import { registerDomains } from "./commands/domains.js";
import { registerImportUsers } from "./commands/import-users.js";
import { registerLink } from "./commands/link.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerServe } from "./commands/serve.js";
import { registerSync } from "./commands/sync.js";
import { CliFailure, EXIT, type ExitCode } from "./exit-codes.js";

export function buildProgram(): Command {
  const program = new Command("civilink")
    .description("Links CMS user accounts to CRM contacts.")
    .exitOverride()
    .showHelpAfterError("(run civilink --help for usage)");
  registerServe(program);
  registerMigrate(program);
  registerImportUsers(program);
  registerSync(program);
  registerLink(program);
  registerDomains(program);
  return program;
}

/** Runs the CLI and answers its exit code; every failure is one line on stderr. */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  try {
    process.exitCode = undefined;
    await buildProgram().parseAsync([...argv], { from: "user" });
    return (process.exitCode as ExitCode | undefined) ?? EXIT.done;
  } catch (cause) {
    if (cause instanceof CommanderError) {
      const helpOrVersion = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return helpOrVersion.includes(cause.code) ? EXIT.done : EXIT.badInput;
    }
    if (cause instanceof CliFailure) {
      process.stderr.write(`civilink: ${cause.message}\n`);
      return cause.code;
    }
    process.stderr.write(`civilink: unexpected failure: ${(cause as Error).message}\n`);
    return EXIT.storeUnavailable;
  }
}
