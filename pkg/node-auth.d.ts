// Types of pullspec's Node-only credential functions: reading the kubelet's files, running
// credential-provider plugins and docker credential helpers. Exported by the package's Node
// entry only. Importing it in Node also makes `credentialHelpers: true` work (see auth.d.ts).

import type {
  Keyring,
  KubeletConfigResult,
  CredentialProviderCallback,
  CredentialHelperAnswer,
} from "./auth.js";

/**
 * Reads the node's credential file the way the kubelet does: `kubeletConfigSearchPath` in order;
 * a missing or unreadable file, or one that does not decode, is skipped; the first that decodes
 * is used (even when empty) and nothing after it is consulted. Only regular files of at most
 * 4 MiB are read: a FIFO, a device, a directory or a larger file is skipped without being read
 * (status `unreadable`, e.g. `skipped: read error (a FIFO, not a regular file: not read)`).
 *
 * @param options.rootDir the kubelet's `--root-dir` (default `/var/lib/kubelet`).
 * @param options.cwd the kubelet's working directory (default `process.cwd()`).
 * @param options.home the kubelet's `$HOME` (default `process.env.HOME`; `undefined` = unset).
 * @param options.keyring add to this keyring (default: a new one).
 * @param options.credentialHelpers also ask the docker credential helpers the file names (opt-in; the kubelet never does).
 * @example
 * const { keyring, used, report } = loadKubeletConfig({ rootDir: "/var/lib/kubelet" });
 * for (const r of report) console.log(r.path, r.status, r.reason);
 */
export function loadKubeletConfig(options?: {
  rootDir?: string;
  cwd?: string;
  home?: string;
  keyring?: Keyring;
  keyringOptions?: ConstructorParameters<typeof Keyring>[0];
  credentialHelpers?: boolean;
}): KubeletConfigResult & { keyring: Keyring };

/**
 * A provider callback that runs exec plugins as the kubelet does: `binDir/<name> args...` with
 * the process environment plus the provider's `env`, the CredentialProviderRequest JSON on
 * stdin, the CredentialProviderResponse JSON read from stdout.
 *
 * `providerConfig` is the CredentialProviderConfig (object, JSON or YAML text; the provider is
 * picked by the name the keyring passes) or one provider entry; omitted, the keyring's own
 * provider entry is used.
 *
 * The callback is synchronous (`spawnSync`) unless `options.async`, which returns Promises (use
 * `lookupAsync` then). Prefer `async`: a synchronous call blocks the thread, and a plugin that
 * exits but leaves a child holding its stdout makes it wait until `timeoutMs` (spawnSync waits
 * for its pipes to close); the asynchronous one settles as soon as the plugin exits.
 * @param options.timeoutMs kill the plugin (its whole process group) after this long and fail
 * with `reason: "timeout"` at that moment, whatever its children do (default 60000, the
 * kubelet's minute; a whole number of milliseconds from 1 to 2^31-1, else `INVALID_ARGUMENT`).
 * A plugin that writes more than 4 MiB to stdout or stderr is killed the same way
 * (`reason: "output"`).
 * @param options.env environment for the plugin instead of `process.env` (the provider's `env` still wins).
 * @throws (from the callback) PullspecError `PROVIDER_FAILED` with `provider`, `reason`
 * (`spawn`, `timeout`, `output`, `exit`), `exitCode` and the `stderr` tail (redacted, see
 * below); `PROVIDER_RESPONSE_INVALID` when stdout is not JSON (the output is never quoted).
 *
 * **The stderr tail is redacted.** It goes into the error's message, its `stderr` field and
 * `explain` (the provider's `error`); before that, what looks like a secret is replaced by
 * `<redacted>`, line by line:
 * 1. the value after a key that names a secret, `KEY=VALUE` or `KEY: VALUE` (quotes and spaces
 *    allowed), where the key, lower-cased without `-`/`_`, ends with `password`, `passwd`,
 *    `pwd`, `pass`, `secret`, `token`, `auth`, `authorization`, `credential(s)`, `apikey`,
 *    `accesskey`, `secretkey`, `privatekey` or `cookie` (a quoted value up to its closing quote;
 *    after `authorization`/`cookie` the rest of the line; otherwise up to the next space, `&`,
 *    `,`, `;`, quote or closing bracket);
 * 2. the word after `Bearer` or `Basic` (8 or more token characters, not all lower-case letters);
 * 3. a JWT (`eyJ…` with a dot);
 * 4. any run of 32 or more base64/base64url characters holding an upper-case letter, a
 *    lower-case letter and a digit, and any run of 32 or more hex digits.
 * Then the last 2000 characters are kept. It errs on the side of hiding (a hex digest is
 * replaced too); a secret in none of these shapes (a bare short password on a line of its own)
 * is not recognized, so a plugin should still not print its secrets.
 * @example
 * keyring.addCredentialProvider(configYaml, execCredentialProvider("/usr/libexec/kubelet-plugins", configYaml));
 */
export function execCredentialProvider(
  binDir: string,
  providerConfig?: object | string,
  options?: { timeoutMs?: number; env?: Record<string, string>; async?: boolean },
): CredentialProviderCallback;

/**
 * Runs `docker-credential-<name> get` (from PATH) with a server address on stdin and decodes
 * `{ServerURL, Username, Secret}`; the username `<token>` means an identity token. Returns null
 * when the helper holds nothing for the server (`credentials not found in native keychain`).
 * Nothing runs a helper unless asked: `credentialHelpers: true` in `addDockerConfig` or
 * `loadKubeletConfig` uses this function.
 * @throws (from the returned function) PullspecError `HELPER_FAILED` (`helper`, `serverUrl`,
 * `exitCode`, `stderr` tail, redacted as for `execCredentialProvider`) or `HELPER_RESPONSE_INVALID`.
 */
export function dockerCredentialHelper(
  name: string,
  options?: { timeoutMs?: number; env?: Record<string, string | undefined> },
): (serverUrl: string) => CredentialHelperAnswer;
