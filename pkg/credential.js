// Internal: one credential a lookup returned and every printed form of it, in one place (the JS
// side of src/auth/credential.rs). The fields hold the real secrets (that is what they are for);
// what is printed redacts them unless a caller asks for the secrets (`pullspec creds
// --show-secrets`). Not exported by any entry: auth.js builds Credentials, the CLI prints them.

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
export const REDACTED = "<redacted>";

/**
 * The fields of a credential as printed: every secret (password, identityToken, registryToken)
 * replaced by `<redacted>` (an empty one stays empty, so "no password" still shows), or with
 * `secrets` a copy with the real values.
 */
export function printable(c, { secrets = false } = {}) {
  if (secrets) return { ...c };
  const out = { username: c.username, password: c.password ? REDACTED : "" };
  if (c.email !== undefined) out.email = c.email;
  if (c.identityToken !== undefined) out.identityToken = c.identityToken ? REDACTED : "";
  if (c.registryToken !== undefined) out.registryToken = c.registryToken ? REDACTED : "";
  out.key = c.key;
  out.source = c.source;
  return out;
}

/**
 * A credential on one line, `user:<redacted>` with ` identityToken=<redacted>` and
 * ` registryToken=<redacted>` when set, from {@link printable}. `escape` is applied to every
 * value: usernames and secrets come from files and plugins (the CLI passes escapeControl).
 */
export function credentialLine(c, { secrets = false, escape = String } = {}) {
  const p = printable(c, { secrets });
  let s = `${escape(p.username)}:${escape(p.password)}`;
  if (p.identityToken !== undefined) s += ` identityToken=${escape(p.identityToken)}`;
  if (p.registryToken !== undefined) s += ` registryToken=${escape(p.registryToken)}`;
  return s;
}

/**
 * One credential a lookup returned. Every printed form redacts: `String(c)` is
 * `user:<redacted>` (as the core's Display), `JSON.stringify` and `util.inspect`/`console.log`
 * show `"<redacted>"` ({@link printable}).
 */
export class Credential {
  constructor(fields) {
    Object.assign(this, fields);
  }
  toString() {
    return `${this.username}:${REDACTED}`;
  }
  toJSON() {
    return printable(this);
  }
  [INSPECT](depth, options, inspect) {
    const shown = printable(this);
    return typeof inspect === "function" ? `Credential ${inspect(shown, options)}` : `Credential ${JSON.stringify(shown)}`;
  }
}
