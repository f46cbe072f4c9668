// Types of pullspec's Node-only registry functions. Exported by the package's Node entry only.
// Importing it also makes the registry client hash blobs with node:crypto (faster than wasm).

import type { PlatformLike } from "./multiarch.js";
import type { RegistryClient, Resolution, PullProgress } from "./registry.js";

/**
 * Pulls an image for a platform into an OCI image layout at `output`: `oci-layout`,
 * `blobs/<alg>/<hex>` (manifest, config, layers) and `index.json` with the manifest's descriptor
 * (platform, `org.opencontainers.image.ref.name` = the tag, `io.containerd.image.name` = the
 * reference). An existing layout keeps its other images. Layers stream into temp files inside
 * the layout and are renamed into place only after their digest and size verified: a failed
 * pull leaves no blob file behind.
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
    signal?: AbortSignal;
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
