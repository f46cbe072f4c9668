import { resolve as resolvePath } from "node:path";
import { pullOciLayout, formatPlatform } from "../node.js";
import { UsageError, escapeControl } from "./format.js";
import { clientFrom, clientOptions, clientUsage, hostPlatform, bytes } from "./client.js";

export const summary = "pull an image for a platform into an OCI image layout directory, every byte verified";
export const usage = `IMAGE --output DIR [--platform P] [--quiet] ${clientUsage}`;
export const options = {
  output: { type: "string", short: "o" },
  platform: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  ...clientOptions,
};

const short = (digest) => digest.slice(0, digest.indexOf(":") + 13);

/** A one-line progress bar redrawn on a terminal (stderr). */
function bar(io) {
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.overall.bytes < p.overall.total) return;
      last = now;
      const { bytes: done, total } = p.overall;
      const frac = total ? done / total : 1;
      const width = 30;
      const filled = Math.round(frac * width);
      io.errRaw(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${bytes(done)} / ${bytes(total)}   `);
    },
    end() {
      io.errRaw("\n");
    },
  };
}

/** Plain lines (not a terminal): one per layer once it verified and is in the layout. */
function lines(io) {
  const reported = new Set();
  return {
    update(p) {
      if (p.verified && !reported.has(p.digest)) {
        reported.add(p.digest);
        io.err(`layer ${short(p.digest)} ${bytes(p.total)} verified`);
      }
    },
    end() {},
  };
}

/** The exit code after a signal stopped the pull: 128 + its number. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143 };

export async function run(values, positionals, io) {
  if (positionals.length !== 1) throw new UsageError("give exactly one image");
  if (!values.output) throw new UsageError("--output DIR is required");
  const [image] = positionals;
  const client = await clientFrom(values);
  const output = resolvePath(values.output);
  const tty = Boolean(process.stderr.isTTY);
  const errRaw = (s) => process.stderr.write(s);
  const show = values.quiet ? null : tty ? bar({ ...io, errRaw }) : lines(io);
  const t0 = Date.now();
  // SIGINT and SIGTERM abort the pull; it removes what it wrote, then the command exits 130/143.
  // Further signals meanwhile are ignored (the clean-up takes milliseconds).
  const controller = new AbortController();
  let signalled = null;
  const handlers = Object.keys(SIGNALS).map((name) => {
    const handler = () => {
      if (signalled) return;
      signalled = name;
      controller.abort(new Error(`interrupted by ${name}`));
    };
    process.on(name, handler);
    return [name, handler];
  });
  let out;
  try {
    out = await pullOciLayout(client, image, {
      platform: values.platform ?? hostPlatform(),
      output,
      signal: controller.signal,
      onProgress: show ? (p) => show.update(p) : undefined,
    });
  } catch (e) {
    show?.end();
    if (!signalled) throw e;
    io.err(`pullspec pull: interrupted by ${signalled}: the pull stopped and removed what it had written to ${escapeControl(output)}`);
    return SIGNALS[signalled];
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
  show?.end();
  const r = out.resolution;
  const total = r.layers.reduce((n, d) => n + d.size, 0);
  const secs = Math.max(1, Date.now() - t0) / 1000;
  const reused = out.layers.filter((l) => l.reused).length;
  io.out(
    `pulled ${r.reference.normalized} (${r.platform ? escapeControl(formatPlatform(r.platform)) : "unknown platform"}) ${escapeControl(r.manifestDigest)}\n` +
      `  into ${output}: ${r.layers.length} layer${r.layers.length === 1 ? "" : "s"}, ${bytes(total)}` +
      `${reused ? ` (${reused} already present)` : ""} in ${secs.toFixed(2)} s${total >= 1e6 ? ` (${(total / 1e6 / secs).toFixed(0)} MB/s)` : ""}, every byte verified`,
  );
  return 0;
}
