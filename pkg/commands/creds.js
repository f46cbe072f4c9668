import { basename } from "node:path";
import {
  Keyring,
  loadKubeletConfig,
  execCredentialProvider,
} from "../node.js";
import { UsageError, readInput, withFile, escapeControl as e } from "./format.js";

export const summary = "the registry credentials the kubelet would use for an image, in order";
export const usage =
  "IMAGE [--config FILE]... [--secret FILE]... [--kubelet-root DIR] [--provider-config FILE --provider-bin DIR] [--credential-helpers] [--raw] [--explain] [--show-secrets] [--json]";
export const options = {
  config: { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  "kubelet-root": { type: "string" },
  "provider-config": { type: "string" },
  "provider-bin": { type: "string" },
  "credential-helpers": { type: "boolean" },
  raw: { type: "boolean" },
  explain: { type: "boolean" },
  "show-secrets": { type: "boolean" },
  json: { type: "boolean" },
};


/** `user:<redacted>` (or the real secret with --show-secrets). */
function show(c, secrets) {
  const hide = (v) => (v ? "<redacted>" : "");
  // Usernames and secrets come from files and plugins: escaped.
  let s = `${e(c.username)}:${secrets ? e(c.password) : hide(c.password)}`;
  if (c.identityToken !== undefined) s += ` identityToken=${secrets ? e(c.identityToken) : hide(c.identityToken)}`;
  if (c.registryToken !== undefined) s += ` registryToken=${secrets ? e(c.registryToken) : hide(c.registryToken)}`;
  return s;
}

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one image");
  const [image] = positionals;
  const providerConfig = values["provider-config"];
  const providerBin = values["provider-bin"];
  if ((providerConfig === undefined) !== (providerBin === undefined)) {
    throw new UsageError("--provider-config and --provider-bin go together");
  }
  const helpers = Boolean(values["credential-helpers"]);
  const showSecrets = Boolean(values["show-secrets"]);
  const keyring = new Keyring();

  for (const path of values.secret ?? []) {
    const text = readInput(path, "secret file");
    withFile(path, () => keyring.addPullSecret(text));
  }
  const configs = [];
  for (const path of values.config ?? []) {
    const text = readInput(path, "docker config");
    const format = basename(path) === ".dockercfg" ? "dockercfg" : undefined;
    const summary = withFile(path, () => keyring.addDockerConfig(text, { source: path, format, credentialHelpers: helpers }));
    configs.push({ path, format: summary.format });
  }
  let search = null;
  if (values.config === undefined || values["kubelet-root"] !== undefined) {
    const loaded = loadKubeletConfig({
      rootDir: values["kubelet-root"] ?? "/var/lib/kubelet",
      cwd: process.cwd(),
      home: process.env.HOME,
      keyring,
      credentialHelpers: helpers,
    });
    search = { used: loaded.used, report: loaded.report };
  }
  if (providerConfig !== undefined) {
    const text = readInput(providerConfig, "credential provider config");
    withFile(providerConfig, () => keyring.addCredentialProvider(text, execCredentialProvider(providerBin, text)));
  }

  const { credentials, explanation } = await keyring.resolveAsync(image, { raw: Boolean(values.raw) });
  const warnings = keyring.warnings;
  // Warnings and failures quote secrets' names and plugins' stderr: escaped, one line each.
  for (const w of warnings) io.err(`warning: ${e(w.code)}: ${e(w.message)}`);
  const failures = [...explanation.providers, ...explanation.helpers].filter((p) => p.status === "failed");
  for (const f of failures) io.err(`warning: ${e(f.code)}: ${e(f.error)}`);

  if (values.json) {
    const out = {
      image,
      lookupKey: explanation.lookupKey,
      anonymous: credentials.length === 0,
      credentials: credentials.map((c) => (showSecrets ? { ...c } : c.toJSON())),
      configs,
      kubeletConfig: search,
      warnings,
    };
    if (values.explain) {
      const { text, credentials: _redacted, ...rest } = explanation;
      out.explanation = rest;
    }
    io.out(JSON.stringify(out, null, 2));
    return 0;
  }

  io.out(`image:      ${e(image)}`);
  io.out(`lookup key: ${e(explanation.lookupKey)}`);
  for (const c of configs) io.out(`config:     ${e(c.path)} (given, ${e(c.format)})`);
  if (search) {
    io.out(`config:     ${search.used ? e(search.used) : "none: no file of the kubelet search path decodes"}${search.used ? " (kubelet search path)" : ""}`);
  }
  if (credentials.length === 0) {
    io.out("no credentials: anonymous pull");
  } else {
    io.out("credentials, in the order they are tried:");
    credentials.forEach((c, i) => io.out(`  ${i + 1}. ${show(c, showSecrets)}  from ${e(c.source)}  via ${e(c.key)}`));
  }
  if (values.explain) {
    if (search) {
      io.out("\nkubelet credential-file search:");
      for (const r of search.report) io.out(`  ${e(r.path)}: ${e(r.reason)}`);
    }
    io.out("\n" + explanation.text.trimEnd().split("\n").map(e).join("\n"));
  }
  return 0;
}
