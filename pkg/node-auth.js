// Registry credentials, the Node-only parts: reading the kubelet's credential files, running
// credential-provider plugins and (opt-in) docker credential helpers as child processes.
// Exported by node.js only. The rules stay in Rust; this file does the I/O. See node-auth.d.ts.
import { spawnSync, spawn } from "node:child_process";
import { join } from "node:path";
import { gen } from "./runtime.js";
import { PullspecError } from "./errors.js";
import { invalid, describe, requireString, optionsObject, timeoutOption, jsonText } from "./args.js";
import { Keyring } from "./auth.js";
import { FILE_LIMITS, readTextLimited } from "./node-files.js";

const HELPER_RUNNER = Symbol.for("pullspec.dockerCredentialHelper");
const DEFAULT_ROOT_DIR = "/var/lib/kubelet";
/** The kubelet gives a plugin one minute. */
const PROVIDER_TIMEOUT_MS = 60_000;
const HELPER_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * The end of a process's stderr, for error messages and `explain`: what looks like a secret is
 * replaced by `<redacted>` first (the rules in node-auth.d.ts; cut after, so that a secret is
 * never cut in half and missed), then the last `max` characters are kept.
 */
function tail(text, max = 2000) {
  const t = gen.redact_secrets(String(text ?? "")).trimEnd();
  return t.length > max ? "…" + t.slice(t.length - max) : t;
}

/**
 * Reads one candidate file of the search path: its text, null when it does not exist; throws
 * (an Error whose message is the reason, which the per-path report shows) when it cannot be
 * read. Only regular files of at most 4 MiB (FILE_LIMITS.credentials) are read: a FIFO (for
 * instance `./config.json` in the working directory) is skipped instead of waited on, a device
 * (a link to /dev/zero) or an oversized file is skipped instead of exhausting memory.
 */
function readCandidate(path) {
  try {
    return readTextLimited(path, FILE_LIMITS.credentials);
  } catch (e) {
    if (e?.errno === "ENOENT" || e?.errno === "ENOTDIR") return null;
    throw new Error(typeof e?.reason === "string" ? e.reason : `${e?.code ?? "error"}: ${e?.message ?? e}`);
  }
}

/**
 * Reads the node's credential file the way the kubelet does: every path of the search path in
 * order, the first that decodes is used. Returns `{ keyring, used, report }`.
 */
export function loadKubeletConfig(options = {}) {
  options = optionsObject(options);
  const rootDir = options.rootDir ?? DEFAULT_ROOT_DIR;
  const cwd = options.cwd ?? process.cwd();
  const home = "home" in options ? options.home ?? undefined : process.env.HOME;
  if (options.keyring !== undefined && options.keyring !== null && typeof options.keyring?.addKubeletConfig !== "function") {
    throw invalid(`options.keyring must be a Keyring, got ${describe(options.keyring)}`, "options.keyring");
  }
  const keyring = options.keyring ?? new Keyring(options.keyringOptions);
  const out = keyring.addKubeletConfig(readCandidate, {
    rootDir,
    cwd,
    home,
    credentialHelpers: options.credentialHelpers,
  });
  return { keyring, used: out.used ?? null, report: out.report };
}

/** The providers of a config (whole CredentialProviderConfig) or one provider entry. */
function providerSpecs(providerConfig) {
  if (providerConfig === undefined || providerConfig === null) return null;
  let value = providerConfig;
  if (typeof value === "object" && !Array.isArray(value) && !("providers" in value) && typeof value.name === "string") {
    return [{ args: [], env: [], apiVersion: undefined, ...value }];
  }
  return gen.parseCredentialProviderConfig(value).providers;
}

function pickSpec(specs, context) {
  const name = context?.provider?.name;
  if (specs === null) {
    if (context?.provider) return context.provider;
    throw invalid("execCredentialProvider was given no provider config and the call names no provider");
  }
  const spec = name === undefined ? (specs.length === 1 ? specs[0] : undefined) : specs.find((s) => s.name === name);
  if (!spec) {
    throw new PullspecError(`no credential provider named ${JSON.stringify(name)} in the config given to execCredentialProvider`, {
      code: "PROVIDER_UNKNOWN",
      provider: String(name),
    });
  }
  return spec;
}

function providerFailed(spec, file, reason, detail, extra = {}) {
  return new PullspecError(`credential provider ${JSON.stringify(spec.name)} (${file}) ${detail}`, {
    code: "PROVIDER_FAILED",
    provider: spec.name,
    reason,
    ...extra,
  });
}

function parseResponse(spec, stdout) {
  try {
    return JSON.parse(stdout);
  } catch {
    // Never quote the output: it may hold credentials.
    throw new PullspecError(`credential provider ${JSON.stringify(spec.name)} wrote output that is not valid JSON`, {
      code: "PROVIDER_RESPONSE_INVALID",
      provider: spec.name,
    });
  }
}

/** The result of a finished plugin process (spawnSync's shape) as a response, or throws. */
function settle(spec, file, timeoutMs, r) {
  if (r.error?.code === "ETIMEDOUT" || (r.timedOut ?? false)) {
    throw providerFailed(spec, file, "timeout", `did not answer within ${timeoutMs} ms`, { stderr: tail(r.stderr) });
  }
  if (r.error?.code === "ENOBUFS" || (r.overflow ?? false)) {
    throw providerFailed(spec, file, "output", `wrote more than ${MAX_OUTPUT} bytes and was stopped`);
  }
  if (r.error) {
    throw providerFailed(spec, file, "spawn", `could not be run: ${r.error.code ?? ""} ${r.error.message}`.trim());
  }
  if (r.status !== 0) {
    const how = r.status === null ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    const err = tail(r.stderr);
    throw providerFailed(spec, file, "exit", `${how}${err ? `: ${err}` : ""}`, {
      exitCode: r.status,
      stderr: err,
    });
  }
  return parseResponse(spec, r.stdout);
}

/**
 * Kills what is left of a plugin's process group (the plugin runs as its leader, so a shell
 * script's `sleep` or any other child goes too). Nothing to do when the group is gone.
 */
function killGroup(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group has already exited.
  }
}

/**
 * Runs a plugin to completion without blocking: stdin written, stdout and stderr collected up to
 * MAX_OUTPUT bytes each. Settles (spawnSync's result shape) when the plugin's output ends, and
 * at the latest after `timeoutMs` or at the first byte past the cap, killing its whole process
 * group then: a child that holds the pipes open cannot keep the caller waiting.
 */
function runPluginAsync(file, args, env, input, timeoutMs) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(file, args, { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    } catch (error) {
      resolve({ error });
      return;
    }
    const out = { stdout: [], stderr: [], bytes: { stdout: 0, stderr: 0 } };
    let status = null;
    let signal = null;
    let error = null;
    let settled = false;
    const finish = (extra = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      const text = (k) => Buffer.concat(out[k]).toString("utf8");
      resolve({ status, signal, error, stdout: text("stdout"), stderr: text("stderr"), ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    for (const k of ["stdout", "stderr"]) {
      child[k].on("data", (chunk) => {
        out.bytes[k] += chunk.length;
        if (out.bytes[k] > MAX_OUTPUT) finish({ overflow: true });
        else out[k].push(chunk);
      });
      child[k].on("error", () => {});
    }
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      error = e;
      finish();
    });
    child.on("exit", (code, sig) => {
      status = code;
      signal = sig;
      // The plugin is done; whatever it left running in its group only holds the pipes open.
      killGroup(child.pid);
    });
    child.on("close", () => finish());
    child.stdin.end(input);
  });
}

/** The same, blocking (for `Keyring.lookup`): spawnSync's own timeout and cap, then the group. */
function runPluginSync(file, args, env, input, timeoutMs) {
  const r = spawnSync(file, args, {
    input,
    env,
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    maxBuffer: MAX_OUTPUT,
    detached: true,
  });
  killGroup(r.pid);
  return r;
}

/**
 * A provider callback for `keyring.addCredentialProvider` that runs the exec plugin as the
 * kubelet does: `binDir/<name> args...`, environment merged with the provider's `env`, the
 * CredentialProviderRequest JSON on stdin, the CredentialProviderResponse JSON from stdout.
 */
export function execCredentialProvider(binDir, providerConfig, options = {}) {
  if (typeof binDir !== "string" || binDir === "") {
    throw invalid("execCredentialProvider needs the plugin directory", "binDir");
  }
  options = optionsObject(options);
  const specs = providerSpecs(providerConfig);
  const timeoutMs = timeoutOption(options.timeoutMs, "options.timeoutMs", PROVIDER_TIMEOUT_MS);
  return (request, context) => {
    const spec = pickSpec(specs, context);
    const file = join(binDir, spec.name);
    const env = { ...process.env, ...(options.env ?? {}) };
    for (const e of spec.env ?? []) env[e.name] = e.value;
    const input = typeof request === "string" ? request : jsonText(request, "the CredentialProviderRequest");
    const args = spec.args ?? [];
    if (options.async) {
      return runPluginAsync(file, args, env, input, timeoutMs).then((r) => settle(spec, file, timeoutMs, r));
    }
    return settle(spec, file, timeoutMs, runPluginSync(file, args, env, input, timeoutMs));
  };
}

/**
 * Runs `docker-credential-<name> get` (found on PATH) for a server address. The returned
 * function answers `{ username, password, identityToken? }`, or null when the helper holds
 * nothing for the server; throws PullspecError HELPER_FAILED when it fails.
 */
export function dockerCredentialHelper(name, options = {}) {
  if (typeof name !== "string" || name === "" || /[/\\\s]/.test(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name) : describe(name);
    throw invalid(`invalid credential helper name ${shown}`);
  }
  const program = `docker-credential-${name}`;
  options = optionsObject(options);
  const timeoutMs = timeoutOption(options.timeoutMs, "options.timeoutMs", HELPER_TIMEOUT_MS);
  return (serverUrl) => {
    requireString(serverUrl, "serverUrl");
    const r = runPluginSync(program, ["get"], options.env ?? process.env, serverUrl, timeoutMs);
    const fail = (detail, extra = {}) =>
      new PullspecError(`${program} ${detail}`, { code: "HELPER_FAILED", helper: name, serverUrl, ...extra });
    if (r.error?.code === "ETIMEDOUT") throw fail(`did not answer within ${timeoutMs} ms`);
    if (r.error?.code === "ENOBUFS") throw fail(`wrote more than ${MAX_OUTPUT} bytes and was stopped`);
    if (r.error?.code === "ENOENT") throw fail("is not on PATH");
    if (r.error) throw fail(`could not be run: ${r.error.message}`);
    if (r.status !== 0) {
      if (gen.helper_not_found(`${r.stdout}\n${r.stderr}`)) return null;
      const err = tail(r.stderr);
      throw fail(`exited with status ${r.status}${err ? `: ${err}` : ""}`, { exitCode: r.status, stderr: err });
    }
    return gen.parse_helper_answer(r.stdout, name);
  };
}

// `credentialHelpers: true` in Node means these helpers.
Keyring[HELPER_RUNNER] = (name) => dockerCredentialHelper(name);
