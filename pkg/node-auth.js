// Registry credentials, the Node-only parts: reading the kubelet's credential files, running
// credential-provider plugins and (opt-in) docker credential helpers as child processes.
// Exported by node.js only. The rules stay in Rust; this file does the I/O. See node-auth.d.ts.
import { readFileSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";
import { join } from "node:path";
import * as gen from "./gen/pullspec.js";
import { PullspecError } from "./errors.js";
import { Keyring } from "./auth.js";

const HELPER_RUNNER = Symbol.for("pullspec.dockerCredentialHelper");
const DEFAULT_ROOT_DIR = "/var/lib/kubelet";
/** The kubelet gives a plugin one minute. */
const PROVIDER_TIMEOUT_MS = 60_000;
const HELPER_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/** The last lines of a process's stderr, for error messages. */
function tail(text, max = 2000) {
  const t = String(text ?? "").trimEnd();
  return t.length > max ? "…" + t.slice(t.length - max) : t;
}

/** Reads one candidate file: its text, null when it does not exist; throws when unreadable. */
function readCandidate(path) {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e?.code === "ENOENT" || e?.code === "ENOTDIR") return null;
    throw new Error(`${e?.code ?? "error"}: ${e?.message ?? e}`);
  }
}

/**
 * Reads the node's credential file the way the kubelet does: every path of the search path in
 * order, the first that decodes is used. Returns `{ keyring, used, report }`.
 */
export function loadKubeletConfig(options = {}) {
  const rootDir = options.rootDir ?? DEFAULT_ROOT_DIR;
  const cwd = options.cwd ?? process.cwd();
  const home = "home" in options ? options.home ?? undefined : process.env.HOME;
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
    throw new PullspecError("execCredentialProvider was given no provider config and the call names no provider", {
      code: "INVALID_ARGUMENT",
    });
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
 * A provider callback for `keyring.addCredentialProvider` that runs the exec plugin as the
 * kubelet does: `binDir/<name> args...`, environment merged with the provider's `env`, the
 * CredentialProviderRequest JSON on stdin, the CredentialProviderResponse JSON from stdout.
 */
export function execCredentialProvider(binDir, providerConfig, options = {}) {
  if (typeof binDir !== "string" || binDir === "") {
    throw new PullspecError("execCredentialProvider needs the plugin directory", { code: "INVALID_ARGUMENT" });
  }
  const specs = providerSpecs(providerConfig);
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  return (request, context) => {
    const spec = pickSpec(specs, context);
    const file = join(binDir, spec.name);
    const env = { ...process.env, ...(options.env ?? {}) };
    for (const e of spec.env ?? []) env[e.name] = e.value;
    const input = typeof request === "string" ? request : JSON.stringify(request);
    const args = spec.args ?? [];
    if (options.async) {
      return new Promise((resolve, reject) => {
        let child;
        try {
          child = spawn(file, args, { env, stdio: ["pipe", "pipe", "pipe"] });
        } catch (e) {
          reject(providerFailed(spec, file, "spawn", `could not be run: ${e.message}`));
          return;
        }
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        let spawnError = null;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, timeoutMs);
        child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
        child.stdin.on("error", () => {});
        child.on("error", (e) => (spawnError = e));
        child.on("close", (status, signal) => {
          clearTimeout(timer);
          try {
            resolve(settle(spec, file, timeoutMs, { status, signal, stdout, stderr, error: spawnError, timedOut }));
          } catch (e) {
            reject(e);
          }
        });
        child.stdin.end(input);
      });
    }
    const r = spawnSync(file, args, {
      input,
      env,
      encoding: "utf8",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      maxBuffer: MAX_OUTPUT,
    });
    return settle(spec, file, timeoutMs, r);
  };
}

/**
 * Runs `docker-credential-<name> get` (found on PATH) for a server address. The returned
 * function answers `{ username, password, identityToken? }`, or null when the helper holds
 * nothing for the server; throws PullspecError HELPER_FAILED when it fails.
 */
export function dockerCredentialHelper(name, options = {}) {
  if (typeof name !== "string" || name === "" || /[/\\\s]/.test(name)) {
    throw new PullspecError(`invalid credential helper name ${JSON.stringify(name)}`, { code: "INVALID_ARGUMENT" });
  }
  const program = `docker-credential-${name}`;
  const timeoutMs = options.timeoutMs ?? HELPER_TIMEOUT_MS;
  return (serverUrl) => {
    const r = spawnSync(program, ["get"], {
      input: serverUrl,
      env: options.env ?? process.env,
      encoding: "utf8",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      maxBuffer: MAX_OUTPUT,
    });
    const fail = (detail, extra = {}) =>
      new PullspecError(`${program} ${detail}`, { code: "HELPER_FAILED", helper: name, serverUrl, ...extra });
    if (r.error?.code === "ETIMEDOUT") throw fail(`did not answer within ${timeoutMs} ms`);
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
