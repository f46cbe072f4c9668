// Shared by the commands that take registry credentials (creds) or talk to registries (inspect,
// pull, tags, resolve; check --online, the language server): the credential and transport
// options, the keyring and the client built from them.
import { basename } from "node:path";
import { arch } from "node:os";
import { UsageError, withFile } from "./format.js";
import { inputName, readCredentialFile } from "./files.js";
import { Keyring, RegistryClient, loadKubeletConfig, nodeFetch } from "../node.js";

/** Options every command that takes credentials takes. */
export const credentialOptions = {
  config: { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  "kubelet-root": { type: "string" },
};

export const credentialUsage = "[--config FILE]... [--secret FILE]... [--kubelet-root DIR]";

/** Options every registry command takes. */
export const clientOptions = {
  ...credentialOptions,
  "insecure-registry": { type: "string", multiple: true },
};

export const clientUsage = `${credentialUsage} [--insecure-registry HOST]...`;

/**
 * The keyring the kubelet would use: pull secrets (`--secret`), credential files (`--config`),
 * and the kubelet's credential-file search path unless `--config` is given (or with
 * `--kubelet-root`), from the working directory and $HOME as the kubelet's (loadKubeletConfig's
 * defaults). `credentialHelpers` lets the files name docker credential helpers. Returns
 * `{ keyring, configs, search }`: the files given, each `{ path, format }` (the format it was
 * read as), and the search `{ used, report }` (null when the search path was not consulted).
 */
export async function keyringFrom(values, { credentialHelpers = false } = {}) {
  const keyring = new Keyring();
  for (const path of values.secret ?? []) {
    const text = await readCredentialFile(path, "secret file");
    withFile(inputName(path), () => keyring.addPullSecret(text));
  }
  const configs = [];
  for (const path of values.config ?? []) {
    const text = await readCredentialFile(path, "docker config");
    const format = basename(path) === ".dockercfg" ? "dockercfg" : undefined;
    const name = inputName(path);
    const summary = withFile(name, () => keyring.addDockerConfig(text, { source: name, format, credentialHelpers }));
    configs.push({ path: name, format: summary.format });
  }
  let search = null;
  if (values.config === undefined || values["kubelet-root"] !== undefined) {
    const loaded = loadKubeletConfig({ rootDir: values["kubelet-root"] ?? "/var/lib/kubelet", keyring, credentialHelpers });
    search = { used: loaded.used, report: loaded.report };
  }
  return { keyring, configs, search };
}

/** A client with the command line's credentials and insecure registries, on node:http. */
export async function clientFrom(values, options = {}) {
  return new RegistryClient({
    fetch: nodeFetch,
    keyring: (await keyringFrom(values)).keyring,
    insecureRegistries: values["insecure-registry"] ?? [],
    ...options,
  });
}

/**
 * The one IMAGE argument of inspect and resolve, resolved with the command line's credentials
 * for --platform (default: this machine's): `{ image, resolution }`.
 */
export async function resolveArgument(values, positionals) {
  if (positionals.length !== 1) throw new UsageError("give exactly one image");
  const [image] = positionals;
  const client = await clientFrom(values);
  return { image, resolution: await client.resolve(image, { platform: values.platform ?? hostPlatform() }) };
}

const ARCH = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

/** `linux/<this machine's architecture>`: what a kubelet here would pull. */
export function hostPlatform() {
  return `linux/${ARCH[arch()] ?? arch()}`;
}

/** `1.5 MiB`. */
export function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
