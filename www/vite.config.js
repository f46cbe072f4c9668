// The page as a Vite multi-page app: index.html (manifest editor + image inspector) and
// element.html (the <pullspec-image> dashboard). Relative asset URLs so dist/ works from any path.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: { index: here("index.html"), element: here("element.html") },
      // The one stylesheet both pages share (else it is named after a shared chunk).
      output: { assetFileNames: (a) => ((a.names ?? [a.name]).some((n) => n?.endsWith(".css")) ? "assets/style-[hash][extname]" : "assets/[name]-[hash][extname]") },
    },
  },
  worker: { format: "es" },
  // The bundled example manifests live in ../pkg/examples (imported with ?raw).
  server: { fs: { allow: [here("..")] } },
});
