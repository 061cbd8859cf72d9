import type { Command } from "commander";
import { openStore } from "../open-store.js";

export function registerMigrate(program: Command) {
  program
    .command("migrate")
    .description("bring the store's schema up to date (serve and sync do it on start too)")
    .action(async () => {
      const { store } = await openStore();
      await store.close();
      process.stdout.write("The schema is up to date.\n");
    });
}
