// `pullspec lsp`: the language server over stdio (how editors start servers), on the full
// package, so `pullspec.online` can ask registries with the credentials the CLI would use (the
// kubelet's search path; `pullspec.dockerConfig` adds files, `pullspec.insecureRegistries` hosts).
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import * as api from "../node.js";
import { clientFrom } from "../commands/client.js";
import { STDIN } from "../commands/files.js";
import { startServer } from "./server.js";

/**
 * Runs the server on this process's stdin/stdout until the client says `exit` or the stream
 * closes (a client that dies mid-request): resolves then, so the process can end cleanly.
 */
export function runStdio() {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // The settings name files: `-` there is a file, never standard input (which carries the protocol).
  const files = (paths) => paths?.map((p) => (p === STDIN ? `./${p}` : p));
  const makeClient = (settings) =>
    clientFrom({ config: files(settings.dockerConfig), "insecure-registry": settings.insecureRegistries });
  startServer(connection, api, { makeClient });
  return new Promise((resolve) => {
    connection.onExit(() => resolve(0));
    process.stdin.on("close", () => resolve(0));
    process.stdin.on("end", () => resolve(0));
  });
}
