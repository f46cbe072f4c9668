// `pullspec lsp`: the language server over stdio, for editors (see README, "In your editor").
export const summary = "run the language server (stdio): manifest diagnostics, hovers and fixes in any LSP editor";
export const usage = "[--stdio]";
export const options = { stdio: { type: "boolean" } };

export async function run() {
  const { runStdio } = await import("../lsp/node.js");
  return runStdio();
}
