import { execCredentialProvider } from "../node.js";
import { credentialLine, printable } from "../credential.js";
import { UsageError, withFile, escapeControl as e } from "./format.js";
import { inputName, readCredentialFile } from "./files.js";
import { keyringFrom, credentialOptions, credentialUsage } from "./client.js";

export const summary = "the registry credentials the kubelet would use for an image, in order";
export const usage =
  `IMAGE ${credentialUsage} [--provider-config FILE --provider-bin DIR] [--credential-helpers] [--raw] [--explain] [--show-secrets] [--json]`;
export const options = {
  ...credentialOptions,
  "provider-config": { type: "string" },
  "provider-bin": { type: "string" },
  "credential-helpers": { type: "boolean" },
  raw: { type: "boolean" },
  explain: { type: "boolean" },
  "show-secrets": { type: "boolean" },
  json: { type: "boolean" },
};

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
  const { keyring, configs, search } = await keyringFrom(values, { credentialHelpers: helpers });
  if (providerConfig !== undefined) {
    const text = await readCredentialFile(providerConfig, "credential provider config");
    withFile(inputName(providerConfig), () => keyring.addCredentialProvider(text, execCredentialProvider(providerBin, text)));
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
      credentials: credentials.map((c) => printable(c, { secrets: showSecrets })),
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
    credentials.forEach((c, i) => io.out(`  ${i + 1}. ${credentialLine(c, { secrets: showSecrets, escape: e })}  from ${e(c.source)}  via ${e(c.key)}`));
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
