#!/usr/bin/env node
// pullspec: the command line. Each command lives in commands/<name>.js and exports
// `{ summary, usage, options, run(values, positionals, io) }` (and optionally `details()`, more
// text for --help); this file dispatches.
// Exit codes: 0 success, 1 an input is invalid (or a check failed), 2 usage error (or an input
// or configuration file that cannot be read).
import { parseArgs } from "node:util";
import { UsageError, didYouMean, escapeControl, terminalSafe } from "./commands/format.js";

// Every command, in the order help lists them. A name here whose module is missing is an error
// (never silently left out of help); a test checks that every command module is listed.
const COMMANDS = [
  "check", "images", "ref", "policy", "platform", "select", "manifest",
  "creds", "inspect", "pull", "resolve", "tags", "demo", "lsp",
];

// Everything printed goes through terminalSafe: a control character that came from outside (a
// registry, a file, a plugin) and was not escaped where it was formatted still cannot reach the
// terminal raw. Commands escape outside text themselves too (escapeControl), newlines included.
const io = {
  out: (s = "") => process.stdout.write(terminalSafe(s) + "\n"),
  err: (s = "") => process.stderr.write(terminalSafe(s) + "\n"),
  isTTY: Boolean(process.stdout.isTTY),
};

const load = (name) => import(`./commands/${name}.js`);

/** The list of commands, on stdout (asked for) or stderr (after a usage error). */
async function help(write) {
  write("usage: pullspec <command> [options]\n\ncommands:");
  for (const name of COMMANDS) write(`  ${name.padEnd(10)} ${(await load(name)).summary}`);
  write("\n`pullspec <command> --help` for a command's options.");
}

/** The option names a command takes, as typed: `--name` and `-x`. */
function optionNames(options) {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await help(name ? io.out : io.err);
    return name ? 0 : 2;
  }
  if (name === "--version") {
    const { readFileSync } = await import("node:fs");
    io.out(JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version);
    return 0;
  }
  if (!COMMANDS.includes(name)) {
    io.err(`pullspec: unknown command ${JSON.stringify(name)}${didYouMean(name, COMMANDS)}\n`);
    await help(io.err);
    return 2;
  }
  const cmd = await load(name);
  const options = { help: { type: "boolean", short: "h" }, ...cmd.options };
  const usageLine = `usage: pullspec ${name} ${cmd.usage}`;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    let message = e.message;
    if (e?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = /'([^']+)'/.exec(e.message)?.[1] ?? "";
      const typed = option.split("=")[0];
      message = `unknown option ${typed}${didYouMean(typed, optionNames(options))}`;
    }
    io.err(`pullspec ${name}: ${message}\n${usageLine}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`${usageLine}\n\n${cmd.summary}`);
    if (cmd.details) io.out(`\n${cmd.details()}`);
    return 0;
  }
  try {
    return (await cmd.run(parsed.values, parsed.positionals, io)) ?? 0;
  } catch (e) {
    // One line each: the messages quote registry answers, file names and plugin output.
    if (e instanceof UsageError) {
      io.err(`pullspec ${name}: ${escapeControl(e.message)}\n${usageLine}`);
      return 2;
    }
    if (e?.name === "InputError") {
      io.err(`pullspec ${name}: ${escapeControl(e.message)}`);
      return 2;
    }
    if (e?.name === "PullspecError") {
      io.err(`pullspec ${name}: ${escapeControl(e.code)}: ${escapeControl(e.message)}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
