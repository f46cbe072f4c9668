// Shared by the commands that talk to registries (inspect, pull, tags, resolve): the credential
// and transport options, and the client built from them.
import { basename } from "node:path";
import { arch } from "node:os";
import { readInput, withFile } from "./format.js";
import { Keyring, RegistryClient, loadKubeletConfig, nodeFetch } from "../node.js";

/** Options every registry command takes. */
export const clientOptions = {
  config: { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  "kubelet-root": { type: "string" },
  "insecure-registry": { type: "string", multiple: true },
};

export const clientUsage =
  "[--config FILE]... [--secret FILE]... [--kubelet-root DIR] [--insecure-registry HOST]...";


/**
 * The keyring the kubelet would use: pull secrets (`--secret`), credential files (`--config`),
 * and the kubelet's credential-file search path unless `--config` is given (or with
 * `--kubelet-root`).
 */
export function keyringFrom(values) {
  const keyring = new Keyring();
  for (const path of values.secret ?? []) {
    const text = readInput(path, "secret file");
    withFile(path, () => keyring.addPullSecret(text));
  }
  for (const path of values.config ?? []) {
    const text = readInput(path, "docker config");
    const format = basename(path) === ".dockercfg" ? "dockercfg" : undefined;
    withFile(path, () => keyring.addDockerConfig(text, { source: path, format }));
  }
  if (values.config === undefined || values["kubelet-root"] !== undefined) {
    loadKubeletConfig({ rootDir: values["kubelet-root"] ?? "/var/lib/kubelet", keyring });
  }
  return keyring;
}

/** A client with the command line's credentials and insecure registries, on node:http. */
export function clientFrom(values, options = {}) {
  return new RegistryClient({
    fetch: nodeFetch,
    keyring: keyringFrom(values),
    insecureRegistries: values["insecure-registry"] ?? [],
    ...options,
  });
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
