import { type Command, Option } from "commander";
import { resolveUseCases } from "../../../infrastructure/container/index.js";
import { CliFailure, EXIT } from "../exit-codes.js";
import { openStore } from "../open-store.js";
import { idOption } from "../options.js";
import { cliFailureOf } from "../use-case-failure.js";

const TRIGGERS = ["registration", "login", "interaction", "profile-update"] as const;
type Trigger = (typeof TRIGGERS)[number];

export function registerLink(program: Command) {
  program
    .command("link")
    .description("run one ensure-link for a user and print the outcome")
    .argument("<userId>", "the CMS user id", idOption("user"))
    .requiredOption("--email <email>", "the user's email")
    .option("--domain <id>", "domain id", idOption("domain"), 1)
    .addOption(
      new Option("--trigger <trigger>", "the event that links").choices(TRIGGERS).default("login"),
    )
    .option("--json", "print the outcome as JSON")
    .action(
      async (
        userId: number,
        options: { email: string; domain: number; trigger: Trigger; json?: boolean },
      ) => {
        if (options.email.trim() === "")
          throw new CliFailure("--email must not be empty", EXIT.badInput);
        const { container, store } = await openStore();
        try {
          const useCases = resolveUseCases(container);
          const input = { domainId: options.domain, userId, profile: { email: options.email } };
          const result = await (options.trigger === "registration"
            ? useCases.linkOnRegistration.execute(input)
            : options.trigger === "interaction"
              ? useCases.linkOnInteraction.execute({ ...input, kind: "other" })
              : options.trigger === "profile-update"
                ? useCases.syncUserEmail.execute(input)
                : useCases.linkOnLogin.execute(input));
          if (result.isErr()) throw cliFailureOf(result.error);
          const outcome = result.value;
          if (options.json) {
            process.stdout.write(`${JSON.stringify(outcome)}\n`);
          } else {
            const reason = outcome.reason ? ` (${outcome.reason})` : "";
            const contact =
              outcome.contactId === null ? "no contact" : `contact ${outcome.contactId}`;
            process.stdout.write(
              `${outcome.outcome}${reason}: user ${userId} of domain ${options.domain}, ${contact}\n`,
            );
          }
        } finally {
          await store.close();
        }
      },
    );
}
