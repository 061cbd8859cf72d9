#!/usr/bin/env node
import { runCli } from "../dist/interfaces/cli/main.js";

process.exitCode = await runCli(process.argv.slice(2));
