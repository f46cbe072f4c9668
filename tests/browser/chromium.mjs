// Launching Debian's Chromium headless through playwright-core (no browser download).
import { createRequire } from "node:module";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// playwright-core is a devDependency of pkg/ (tests live outside it).
const { chromium } = createRequire(new URL("../../pkg/package.json", import.meta.url))("playwright-core");

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Starts a browser context with a fresh profile; `close()` removes the profile. */
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), "pullspec-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: ARGS,
  });
  return {
    context,
    async page() {
      const page = await context.newPage();
      page.on("pageerror", (e) => { page.lastError = e; });
      return page;
    },
    async close() { await context.close(); await rm(profile, { recursive: true, force: true }); },
  };
}
