import { type Command, Option } from "commander";
import { CMS_KINDS, type DomainDefinition } from "../../../domain/index.js";
import { resolveUseCases } from "../../../infrastructure/container/index.js";
import { openStore } from "../open-store.js";
import { idOption } from "../options.js";
import { cliFailureOf } from "../use-case-failure.js";

interface SetOptions {
  cms?: string;
  name?: string;
  syncCmsEmail?: boolean;
  json?: boolean;
}

export function registerDomains(program: Command) {
  const domains = program.command("domains").description("manage domains (sites)");
  domains
    .command("set")
    .description("create a domain, or change the given settings of an existing one")
    .argument("<id>", "domain id", idOption("domain"))
    .addOption(new Option("--cms <cms>", "the site's CMS").choices(CMS_KINDS))
    .option("--name <name>", "a name for the domain")
    .option("--sync-cms-email", "sync email changes between CMS and CRM (default)")
    .option("--no-sync-cms-email", "do not sync email changes")
    .option("--json", "print the domain as JSON")
    .action(async (id: number, options: SetOptions) => {
      const { container, store } = await openStore();
      try {
        const useCases = resolveUseCases(container);
        const existing = await useCases.getDomain.execute({ domainId: id });
        if (existing.isErr() && existing.error.kind !== "DomainNotFound")
          throw cliFailureOf(existing.error);
        const current = existing.isOk() ? existing.value : undefined;
        const cms = options.cms ?? current?.cms;
        if (!cms)
          throw cliFailureOf({
            kind: "ValidationFailed",
            message: "a new domain needs --cms",
            details: [],
          });
        const name = options.name ?? current?.name;
        const syncCmsEmail = options.syncCmsEmail ?? current?.syncCmsEmail;
        const definition: DomainDefinition = {
          cms,
          ...(name ? { name } : {}),
          ...(syncCmsEmail !== undefined ? { syncCmsEmail } : {}),
          ...(current ? { dedupeRule: current.dedupeRule } : {}),
        };
        const saved = await useCases.putDomain.execute({ domainId: id, definition });
        if (saved.isErr()) throw cliFailureOf(saved.error);
        const domain = saved.value;
        process.stdout.write(
          options.json
            ? `${JSON.stringify(domain)}\n`
            : `Domain ${domain.id} (${domain.name}): ${domain.cms}, email sync ${domain.syncCmsEmail ? "on" : "off"}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
