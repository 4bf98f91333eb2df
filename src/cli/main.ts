#!/usr/bin/env node
// The `descent` command.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { formatDemoTable, runDiabetesDemo } from "./diabetes-demo.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command()
  .name("descent")
  .description("Train linear models by gradient descent (WebAssembly SIMD kernels)")
  .version(pkg.version);

program
  .command("example")
  .description("train linear regression on the bundled diabetes data with the JS and WASM backends")
  .option("--repeats <n>", "timed fits per configuration", "5")
  .action(async (opts: { repeats: string }) => {
    const repeats = Number(opts.repeats);
    if (!Number.isInteger(repeats) || repeats < 1) {
      console.error(`descent: --repeats must be a positive integer (got '${opts.repeats}')`);
      process.exitCode = 2;
      return;
    }
    console.log(formatDemoTable(await runDiabetesDemo(repeats)));
  });

await program.parseAsync();
