// Registry credentials the way the kubelet finds them, for every environment (no file or
// process access here: node-auth.js adds that in Node). The rules live in Rust (src/auth/);
// this file drives a lookup: it asks the core which provider callbacks and credential helpers
// to call, calls them (awaiting Promises in the *Async methods), hands the answers back and
// shapes the result. See auth.d.ts for the types.
import { gen } from "./runtime.js";
import { PullspecError } from "./errors.js";
import { invalid, requireString, optionalString, optionsObject } from "./args.js";
import { Credential } from "./credential.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** Where node-auth.js installs the runner of docker credential helpers (`credentialHelpers: true`). */
const HELPER_RUNNER = Symbol.for("pullspec.dockerCredentialHelper");

const isThenable = (v) => v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

/** Prefixes a PullspecError's message with where the input came from. */
function named(e, source) {
  if (e?.name === "PullspecError" && source) {
    e.message = `${source}: ${e.message}`;
    e.source = source;
  }
  return e;
}

/**
 * The credentials of one image pull: the pod's pull secrets, the node's credential files and
 * credential-provider plugins, looked up in the kubelet's order. See auth.d.ts.
 */
export class Keyring {
  #core = new gen.Keyring();
  /** Per provider config (core index): `{ callback, config }`. */
  #providers = [];
  /** Per file added with credential helpers (core index): `(helperName) => (serverUrl) => answer`. */
  #helpers = [];
  #now;
  #onCallError;
  #inline = 0;

  /**
   * @param {{ now?: () => number, onProviderError?: (error: unknown, call: object) => void }} [options]
   */
  constructor(options = {}) {
    options = optionsObject(options);
    this.#now = typeof options.now === "function" ? options.now : Date.now;
    this.#onCallError = typeof options.onProviderError === "function" ? options.onProviderError : null;
  }

  /** Adds pod pull Secret(s): an object, JSON text or YAML text (several documents or a List allowed). */
  addPullSecret(secret) {
    this.#core.add_pull_secret(secret);
  }

  /** Adds a node credential file (`config.json` or `.dockercfg`, detected by content unless `format` says). */
  addDockerConfig(text, options = {}) {
    requireString(text, "docker config");
    options = optionsObject(options);
    const format = optionalString(options.format, "options.format");
    const source = optionalString(options.source, "options.source") ?? `inline#${++this.#inline}`;
    const runner = this.#helperRunner(options.credentialHelpers);
    try {
      const summary = this.#core.add_docker_config(text, source, format, runner !== null);
      if (runner) this.#helpers.push(runner);
      return summary;
    } catch (e) {
      throw named(e, source);
    }
  }

  /**
   * Applies the kubelet's credential-file search to files read by `read(path)` (content, or
   * null/undefined when missing; throwing means unreadable) and adds the file it uses.
   */
  addKubeletConfig(read, options = {}) {
    if (typeof read !== "function") {
      throw invalid("addKubeletConfig needs a read(path) function");
    }
    options = optionsObject(options);
    const runner = this.#helperRunner(options.credentialHelpers);
    const { rootDir, cwd, home } = searchOptions(options);
    const reads = gen.kubelet_search_path(rootDir, cwd, home).map(({ path }) => {
      try {
        const content = read(path);
        return typeof content === "string" ? { content } : { missing: true };
      } catch (e) {
        return { error: String(e?.message ?? e) };
      }
    });
    const out = this.#core.add_kubelet_config(rootDir, cwd, home, reads, runner !== null);
    if (runner && out.used) this.#helpers.push(runner);
    return out;
  }

  /**
   * Adds a CredentialProviderConfig (object, JSON or YAML text); `provider(request, { provider })`
   * answers each CredentialProviderRequest with a CredentialProviderResponse (or a Promise of one).
   */
  addCredentialProvider(config, provider) {
    if (typeof provider !== "function") {
      throw invalid("addCredentialProvider needs a provider function (request) => response");
    }
    const validated = this.#core.add_provider_config(config);
    this.#providers.push({ callback: provider, config: validated });
    return validated;
  }

  /** The credentials for `image`, in the order the runtime tries them. */
  lookup(image, options = {}) {
    return this.#sync(image, options, (s) => credentials(s.finish(this.#core)));
  }

  /** `lookup`, awaiting providers and helpers that answer with Promises. */
  lookupAsync(image, options = {}) {
    return this.#async(image, options, (s) => credentials(s.finish(this.#core)));
  }

  /** Why `lookup` returns what it does; every secret redacted. */
  explain(image, options = {}) {
    return this.#sync(image, options, (s) => s.explain(this.#core));
  }

  /** `explain`, awaiting asynchronous providers. */
  explainAsync(image, options = {}) {
    return this.#async(image, options, (s) => s.explain(this.#core));
  }

  /** `{ credentials, explanation }` from one lookup (plugins run once). */
  resolve(image, options = {}) {
    return this.#sync(image, options, (s) => ({ credentials: credentials(s.finish(this.#core)), explanation: s.explain(this.#core) }));
  }

  /** `resolve`, awaiting asynchronous providers. */
  resolveAsync(image, options = {}) {
    return this.#async(image, options, (s) => ({ credentials: credentials(s.finish(this.#core)), explanation: s.explain(this.#core) }));
  }

  /** Secrets the kubelet ignores (wrong type, data under the wrong key, ...), with reasons. */
  get warnings() {
    return this.#core.warnings();
  }

  toString() {
    const s = this.#core.summary();
    return `Keyring(${s.secretKeys.length} secret keys, ${s.nodeKeys.length} node keys, ${s.providers.length} providers)`;
  }

  toJSON() {
    return this.#core.summary();
  }

  [INSPECT](depth, options, inspect) {
    const s = this.#core.summary();
    return typeof inspect === "function" ? `Keyring ${inspect(s, options)}` : `Keyring ${JSON.stringify(s)}`;
  }

  #helperRunner(flag) {
    if (flag === undefined || flag === false || flag === null) return null;
    if (typeof flag === "function") return flag;
    if (flag === true) {
      const runner = Keyring[HELPER_RUNNER];
      if (typeof runner !== "function") {
        throw invalid(
          "credentialHelpers: true runs docker-credential-* programs, which needs Node; elsewhere pass credentialHelpers: (name) => (serverUrl) => credential",
          "credentialHelpers",
        );
      }
      return runner;
    }
    throw invalid("credentialHelpers must be true, false or a function", "credentialHelpers");
  }

  #begin(image, options) {
    requireString(image, "image");
    options = optionsObject(options);
    return this.#core.begin(image, Boolean(options?.raw), Number(this.#now()));
  }

  #invoke(call) {
    if (call.kind === "provider") {
      const p = this.#providers[call.config];
      const spec = p.config.providers.find((s) => s.name === call.provider);
      return p.callback(call.request, { provider: spec });
    }
    return this.#helpers[call.config](call.helper)(call.serverUrl);
  }

  #answer(lookup, call, out) {
    const o =
      call.kind === "provider"
        ? lookup.provider_output(this.#core, call.index, out)
        : lookup.helper_answer(call.index, out ?? null);
    if (!o.ok) this.#report(new PullspecError(o.message, { code: o.code }), call);
  }

  #fail(lookup, call, e) {
    const code = typeof e?.code === "string" ? e.code : call.kind === "provider" ? "PROVIDER_FAILED" : "HELPER_FAILED";
    lookup.call_failed(call.index, code, String(e?.message ?? e));
    this.#report(e, call);
  }

  #report(e, call) {
    if (this.#onCallError) {
      const { kind, provider, helper, serverUrl, request } = call;
      this.#onCallError(e, { kind, provider, helper, serverUrl, image: request?.image });
    }
  }

  #sync(image, options, done) {
    const lookup = this.#begin(image, options);
    try {
      for (const call of lookup.calls()) {
        let out;
        try {
          out = this.#invoke(call);
        } catch (e) {
          this.#fail(lookup, call, e);
          continue;
        }
        if (isThenable(out)) {
          out.then(undefined, () => {}); // not awaited: keep its rejection from going unhandled
          const who = call.kind === "provider" ? `credential provider ${JSON.stringify(call.provider)}` : `credential helper ${JSON.stringify(call.helper)}`;
          throw new PullspecError(`${who} answered with a Promise: use lookupAsync (or explainAsync/resolveAsync)`, {
            code: "PROVIDER_ASYNC",
            provider: call.provider ?? call.helper,
          });
        }
        this.#answer(lookup, call, out);
      }
      return done(lookup);
    } finally {
      lookup.free();
    }
  }

  async #async(image, options, done) {
    const lookup = this.#begin(image, options);
    try {
      for (const call of lookup.calls()) {
        let out;
        try {
          out = await this.#invoke(call);
        } catch (e) {
          this.#fail(lookup, call, e);
          continue;
        }
        this.#answer(lookup, call, out);
      }
      return done(lookup);
    } finally {
      lookup.free();
    }
  }
}

function credentials(result) {
  return result.credentials.map((c) => new Credential(c));
}

function searchOptions(options) {
  options = optionsObject(options);
  const proc = globalThis.process;
  const rootDir = optionalString(options.rootDir, "options.rootDir");
  const cwd = optionalString(options.cwd, "options.cwd") ?? (typeof proc?.cwd === "function" ? proc.cwd() : "/");
  const home = "home" in options ? optionalString(options.home, "options.home") : proc?.env?.HOME;
  return { rootDir, cwd, home };
}

/** The kubelet's URL glob match (`URLsMatchStr`): does keyring key `pattern` match `target`? */
export function registryPatternMatches(pattern, target) {
  requireString(pattern, "pattern");
  requireString(target, "target");
  return gen.registryPatternMatches(pattern, target);
}

/** Does a lookup key fall back to `index.docker.io` credentials (a Docker Hub name)? */
export function isDefaultRegistryMatch(image) {
  requireString(image, "image");
  return gen.isDefaultRegistryMatch(image);
}

/** Decodes a docker config `auth` field (base64 of `user:pass`) as the kubelet does. */
export function decodeDockerAuth(auth) {
  requireString(auth, "auth");
  return gen.decodeDockerAuth(auth);
}

/** The paths the kubelet tries for the node's credential file, in order. */
export function kubeletConfigSearchPath(options = {}) {
  const { rootDir, cwd, home } = searchOptions(options);
  return gen.kubelet_search_path(rootDir, cwd, home).map((p) => p.path);
}

/** Validates a CredentialProviderConfig (object, JSON or YAML text) as the kubelet does. */
export function parseCredentialProviderConfig(config) {
  return gen.parseCredentialProviderConfig(config);
}
