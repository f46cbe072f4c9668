// Types of pullspec's Node-only registry functions. Exported by the package's Node entry only.
// Importing it also makes the registry client hash blobs with node:crypto (faster than wasm).

import type { PlatformLike } from "./multiarch.js";
import type { RegistryClient, Resolution, PullProgress } from "./registry.js";

/**
 * The codes of `pullOciLayout`'s checks of the layout directory and of filesystem failures. Each
 * carries `path` (the file or directory); those from a system error carry `systemCode` too
 * (`EACCES`, `ENOSPC`, ...).
 */
export type LayoutErrorCode =
  /** The output cannot be used: it exists and is not a directory, a parent is a file, no permission, a read-only filesystem, a NUL in the path. */
  | "OUTPUT_INVALID"
  /** The output is a layout whose `oci-layout` or `index.json` is not valid (not JSON, `manifests` not an array, another layout version); it is never replaced. */
  | "LAYOUT_INVALID"
  /** Another process held the layout's lock (`.pullspec-lock`) for 30 s; a lock of a process that is gone, or 10 minutes old, is broken instead. */
  | "LAYOUT_LOCKED"
  /** The disk (or quota) is full: ENOSPC, EDQUOT. */
  | "NO_SPACE"
  /** Any other filesystem failure (EIO, EMFILE, ...). */
  | "IO_ERROR";

/**
 * Pulls an image for a platform into an OCI image layout at `output`: `oci-layout`,
 * `blobs/<alg>/<hex>` (manifest, config, layers) and `index.json` with the manifest's descriptor
 * (platform, `org.opencontainers.image.ref.name` = the tag, `io.containerd.image.name` = the
 * reference). An existing layout keeps its other images.
 *
 * - The output is checked before the first request: an existing `oci-layout` and `index.json`
 *   must be valid (`LAYOUT_INVALID`, never replaced), the path usable (`OUTPUT_INVALID`).
 * - Layers stream to temp files inside the layout (whatever size they declare: nothing is
 *   allocated for it) and are renamed into place only after their digest and size verified.
 * - `index.json` is changed under the layout's lock file and replaced atomically: concurrent
 *   pulls into one layout, from any number of processes, keep every entry.
 * - A failed or aborted pull (`signal`) leaves nothing new: what existed before stays; what it
 *   created (temp files, blobs, `oci-layout`, `blobs/` directories, the output directory) is
 *   removed, except blobs that another pull running in the layout or `index.json` needs. A
 *   process killed outright (SIGKILL) cannot clean up: the next pull into the layout removes
 *   its temp files (named with the process id), lease and lock once that process is gone.
 * - Filesystem failures are PullspecErrors ({@link LayoutErrorCode}), never raw Node errors.
 * @example
 * const client = new RegistryClient();
 * await pullOciLayout(client, "ghcr.io/owner/app:1.0", { platform: "linux/arm64", output: "./app" });
 */
export function pullOciLayout(
  client: RegistryClient,
  image: string,
  options: {
    output: string;
    platform?: PlatformLike;
    /** Aborts the pull (`ABORTED`); what it wrote is removed before the promise rejects. */
    signal?: AbortSignal;
    /** Progress; a blob's last event has `verified: true` once it is in the layout. */
    onProgress?: (p: PullProgress) => void;
    /** Layers downloaded at once: a whole number 1-64 (default 3); anything else is refused with `INVALID_ARGUMENT`. */
    concurrency?: number;
  },
): Promise<{
  resolution: Resolution;
  output: string;
  /** The entry added to index.json. */
  descriptor: { mediaType: string; digest: string; size: number; platform?: object; annotations: Record<string, string> };
  /** The layers, in completion order; `reused` when the layout already held the blob (re-hashed). */
  layers: { digest: string; size: number; reused: boolean }[];
}>;

/**
 * A transport for `RegistryClient` on node:http/https with keep-alive (idle connections do not
 * keep the process alive). It implements the part of `fetch` the client's driver uses (`status`,
 * `type`, `headers.forEach`/`get`, `body.getReader()` with `read` and `cancel`; `signal`;
 * never following redirects) without undici's start-up cost and with node's native HTTP parser:
 * large blobs arrive markedly faster. The CLI uses it; the client's default stays the global `fetch`.
 * @example
 * const client = new RegistryClient({ fetch: nodeFetch });
 */
export function nodeFetch(url: string, init?: RequestInit): Promise<Response>;
