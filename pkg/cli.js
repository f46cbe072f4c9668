#!/usr/bin/env node
// pullspec: the command line. Each command lives in commands/<name>.js and exports
// `{ summary, usage, options, run(values, positionals, io) }`; this file dispatches.
// Exit codes: 0 success, 1 an input is invalid (or a check failed), 2 usage error.
import { parseArgs } from "node:util";

const COMMANDS = ["ref", "policy", "demo"];
// Later commands register here as they are added (platform, select, manifest, creds, ...).
const OPTIONAL = ["platform", "select", "manifest", "creds", "inspect", "pull", "tags", "resolve"];

const io = {
  out: (s = "") => process.stdout.write(s + "\n"),
  err: (s = "") => process.stderr.write(s + "\n"),
  isTTY: Boolean(process.stdout.isTTY),
};

async function load(name) {
  try {
    return await import(`./commands/${name}.js`);
  } catch (e) {
    if (e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes(`commands/${name}.js`)) return null;
    throw e;
  }
}

async function help() {
  io.out("usage: pullspec <command> [options]\n\ncommands:");
  for (const name of [...COMMANDS, ...OPTIONAL]) {
    const cmd = await load(name);
    if (cmd) io.out(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  io.out("\n`pullspec <command> --help` for a command's options.");
}

import { UsageError } from "./commands/format.js";

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await help();
    return name ? 0 : 2;
  }
  if (name === "--version") {
    const { readFileSync } = await import("node:fs");
    io.out(JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version);
    return 0;
  }
  const cmd = [...COMMANDS, ...OPTIONAL].includes(name) ? await load(name) : null;
  if (!cmd) {
    io.err(`pullspec: unknown command ${JSON.stringify(name)}`);
    await help();
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { help: { type: "boolean", short: "h" }, ...cmd.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.err(`pullspec ${name}: ${e.message}\nusage: pullspec ${name} ${cmd.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`usage: pullspec ${name} ${cmd.usage}\n\n${cmd.summary}`);
    return 0;
  }
  try {
    return (await cmd.run(parsed.values, parsed.positionals, io)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pullspec ${name}: ${e.message}\nusage: pullspec ${name} ${cmd.usage}`);
      return 2;
    }
    if (e?.name === "PullspecError") {
      io.err(`pullspec ${name}: ${e.code}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
