// Serves the built page (www/dist) on 127.0.0.1 next to a local OCI registry with CORS (the test
// harness: Debian's distribution server, seeded with a multi-arch image, no Docker engine), so the
// inspector and the dashboard work offline. Ctrl+C stops both.
//
//   node www/serve.mjs [PORT]        (after `bash scripts/setup.sh`, which builds www/dist)
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../tests/browser/static-server.mjs";
import { startRegistries } from "../tests/registry/harness.mjs";

const dist = join(fileURLToPath(new URL(".", import.meta.url)), "dist");
if (!existsSync(join(dist, "index.html"))) {
  console.error("www/dist is missing: run `bash scripts/setup.sh` (or `npm ci --prefix www && npm --prefix www run build`) first");
  process.exit(2);
}
const [registries, server] = await Promise.all([
  startRegistries({ modes: ["anonymous"], seed: true, cors: true, faultProxy: false }),
  serveStatic(dist, Number(process.argv[2] ?? 8080)),
]);
const host = registries.anonymous.host;
console.log(`registry (CORS, seeded)  ${registries.anonymous.url}`);
console.log(`manifest editor          ${server.url}/`);
console.log(`image inspector          ${server.url}/?image=${encodeURIComponent(`${host}/multiarch:1.0`)}&platform=linux/arm64#inspector-title`);
console.log(`<pullspec-image> cards   ${server.url}/element.html?registry=${encodeURIComponent(host)}`);
console.log("Ctrl+C stops both.");
const stop = async () => {
  await Promise.allSettled([server.close(), registries.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
