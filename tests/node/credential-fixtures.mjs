// The credential files and programs that auth.test.mjs (the API) and cli.test.mjs (`pullspec
// creds`) run against, each made in fresh folders from `dir(name)` (helpers.mjs scratch): the
// kubelet's search path with one good file, a fake credential-provider plugin, a fake docker
// credential helper.
import { mkdirSync, writeFileSync, readFileSync, existsSync, chmodSync } from "node:fs";
import { join } from "node:path";

export const b64 = (s) => Buffer.from(s, "utf8").toString("base64");
export const dockerconfigjson = (auths) => JSON.stringify({ auths });

/**
 * Writes an executable Node program at `path` that reads all of standard input into `input`
 * (UTF-8) and then runs `body`.
 */
function stdinProgram(path, body) {
  const prelude = `#!/usr/bin/env node
const { appendFileSync } = require("node:fs");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
`;
  writeFileSync(path, `${prelude}${body}});\n`);
  chmodSync(path, 0o755);
}

/** The lines a fake program appended to its `counter` file (none before its first call). */
const callsIn = (counter) => () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean) : []);

/**
 * A kubelet root whose config.json does not decode, a working directory whose config.json is a
 * directory (unreadable), and a home with ~/.docker/config.json (alice, password alice-file-pw)
 * and a legacy ~/.dockercfg: `{ root, home, cwd }`.
 */
export function kubeletFiles(dir) {
  const good = dockerconfigjson({ "registry.example.com": { auth: b64("alice:alice-file-pw") } });
  const root = dir("kubelet");
  const home = dir("home");
  const cwd = dir("cwd");
  writeFileSync(join(root, "config.json"), "{ not json");
  mkdirSync(join(cwd, "config.json")); // a directory: unreadable
  mkdirSync(join(home, ".docker"));
  writeFileSync(join(home, ".docker", "config.json"), good);
  writeFileSync(join(home, ".dockercfg"), JSON.stringify({ "registry.example.com": { username: "legacy", password: "legacy-pw" } }));
  return { root, home, cwd };
}

/**
 * A folder with the exec plugins `fake-plugin` (answers u-<repository path> for *.plugin.example,
 * fails for images with "fail", logs each call to `counter`) and `sleepy`: `{ bin, counter,
 * calls, config(keyType, duration) }`, config the CredentialProviderConfig text for fake-plugin.
 */
export function providerPlugins(dir) {
  const bin = dir("plugins");
  const counter = join(bin, "calls.log");
  stdinProgram(
    join(bin, "fake-plugin"),
    `  const req = JSON.parse(input);
  appendFileSync(process.env.COUNTER, req.image + " " + process.argv.slice(2).join(",") + "\\n");
  if (req.kind !== "CredentialProviderRequest") { process.stderr.write("bad request kind\\n"); process.exit(3); }
  if (req.image.includes("fail")) { process.stderr.write("boom: registry said no\\n"); process.exit(1); }
  const user = "u-" + req.image.split("/").slice(1).join("-");
  const res = { apiVersion: req.apiVersion, kind: "CredentialProviderResponse", cacheKeyType: process.env.KEY_TYPE,
    auth: { "*.plugin.example": { username: user, password: "plugin-secret-" + user } } };
  if (process.env.DURATION) res.cacheDuration = process.env.DURATION;
  process.stdout.write(JSON.stringify(res));
`,
  );
  writeFileSync(join(bin, "sleepy"), "#!/bin/sh\nsleep 5\n");
  chmodSync(join(bin, "sleepy"), 0o755);
  const config = (keyType, duration) => `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: fake-plugin
    matchImages: ["*.plugin.example"]
    defaultCacheDuration: 1m
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    args: [get-credentials, --verbose]
    env:
      - {name: COUNTER, value: ${counter}}
      - {name: KEY_TYPE, value: ${keyType}}
${duration ? `      - {name: DURATION, value: "${duration}"}\n` : ""}`;
  return { bin, counter, calls: callsIn(counter), config };
}

/**
 * A folder with `docker-credential-test` (a user for helper.example.com, an identity token for
 * token.example.com, failing for broken.example.com; each call logged) and `cfgText`, a docker
 * config naming it for four servers: `{ helperBin, counter, calls, cfgText }`.
 */
export function credentialHelper(dir) {
  const helperBin = dir("helper-bin");
  const counter = join(helperBin, "calls.log");
  stdinProgram(
    join(helperBin, "docker-credential-test"),
    `  const server = input.trim();
  appendFileSync(${JSON.stringify(counter)}, process.argv[2] + " " + server + "\\n");
  if (server === "helper.example.com") process.stdout.write(JSON.stringify({ ServerURL: server, Username: "hu", Secret: "helper-secret-pw" }));
  else if (server === "token.example.com") process.stdout.write(JSON.stringify({ ServerURL: server, Username: "<token>", Secret: "identity-secret-tok" }));
  else if (server === "broken.example.com") { process.stderr.write("keychain locked\\n"); process.exit(2); }
  else { process.stdout.write("credentials not found in native keychain\\n"); process.exit(1); }
`,
  );
  const cfgText = JSON.stringify({
    auths: { "helper.example.com": {} },
    credHelpers: { "helper.example.com": "test", "token.example.com": "test", "broken.example.com": "test", "nothing.example.com": "test" },
  });
  return { helperBin, counter, calls: callsIn(counter), cfgText };
}
