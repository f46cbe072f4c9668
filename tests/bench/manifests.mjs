// Manifest-check benchmark: `validateManifests` (parse with positions + every offline check)
// against the bare parse of the same text by `js-yaml` (`loadAll`) and `yaml`
// (`parseAllDocuments`), interleaved in one Node process, median of rounds, printed as ratios.
// A benchmark, not a test: it asserts nothing about time and exits 0.
//
//   node tests/bench/manifests.mjs                 (or: npm --prefix pkg run bench:manifests)
//
// Environment: BENCH_ROUNDS (default 30), BENCH_MANIFESTS=DIR (also time `pullspec check` on every
// *.yaml/*.yml/*.json below DIR, e.g. real public manifests, and how it grows with size).
import { performance } from "node:perf_hooks";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { validateManifests, listImages } from "../../pkg/node.js";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "../..");
// The peers are pkg/'s dev dependencies.
const require = createRequire(join(root, "pkg/package.json"));
const jsyaml = require("js-yaml");
const YAML = require("yaml");
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);

/** A deterministic file of `n` mixed workloads (and the Services/ConfigMaps beside them). */
function corpus(n) {
  const kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];
  const images = ["nginx:1.25.3", "quay.io/prometheus/node-exporter:v1.7.0", "registry.k8s.io/pause:3.9", "ghcr.io/example/app:2.4.1@sha256:" + "ab".repeat(32), "localhost:5000/team/api", "busybox", "redis:latest"];
  const docs = [];
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const image = images[i % images.length];
    const pod = `      nodeSelector:
        kubernetes.io/os: linux
      initContainers:
      - name: init-${i}
        image: "${images[(i + 3) % images.length]}"
        command: ["sh", "-c", "echo starting; sleep 1"]
      containers:
      - name: app-${i}
        image: ${image}
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-level=info"]
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: MODE
          value: "production"
        resources:
          limits: {cpu: 500m, memory: 256Mi}
          requests: {cpu: 100m, memory: 128Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: http}`;
    const template = kind === "CronJob"
      ? `  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n${pod.replace(/^/gm, "    ")}`
      : kind === "Job"
        ? `  template:\n    spec:\n      restartPolicy: Never\n${pod}`
        : `  selector:\n    matchLabels: {app: w${i}}\n  template:\n    metadata:\n      labels: {app: w${i}}\n    spec:\n${pod}`;
    docs.push(`apiVersion: ${kind === "Job" || kind === "CronJob" ? "batch/v1" : "apps/v1"}\nkind: ${kind}\nmetadata:\n  name: w${i}\n  namespace: bench\n  labels:\n    app: w${i}\nspec:\n${template}\n`);
  }
  return docs.join("---\n");
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs each candidate once per round, in rotating order; returns median ms per candidate. */
function race(candidates, text) {
  const times = new Map(candidates.map(([name]) => [name, []]));
  for (const [, fn] of candidates) fn(text); // warm up
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < candidates.length; k++) {
      const [name, fn] = candidates[(r + k) % candidates.length];
      const t0 = performance.now();
      fn(text);
      times.get(name).push(performance.now() - t0);
    }
  }
  return new Map([...times].map(([name, xs]) => [name, median(xs)]));
}

const text = corpus(55);
const lines = text.split("\n").length;
console.log(`corpus: 55 workloads, ${lines} lines, ${(text.length / 1024).toFixed(1)} KiB; ${rounds} rounds, interleaved, medians`);
console.log(`pullspec finds ${listImages(text).length} images and ${validateManifests(text).length} diagnostics (hints included)`);
const results = race(
  [
    ["pullspec validateManifests (parse + positions + checks)", (t) => validateManifests(t)],
    ["js-yaml loadAll (parse only)", (t) => jsyaml.loadAll(t)],
    ["yaml parseAllDocuments (parse only)", (t) => YAML.parseAllDocuments(t)],
  ],
  text,
);
const ours = results.get("pullspec validateManifests (parse + positions + checks)");
for (const [name, ms] of results) console.log(`  ${name.padEnd(58)} ${ms.toFixed(2).padStart(8)} ms`);
const vsJsYaml = ours / results.get("js-yaml loadAll (parse only)");
const vsYaml = ours / results.get("yaml parseAllDocuments (parse only)");
console.log(`ratio pullspec / js-yaml: ${vsJsYaml.toFixed(2)} (goal <= 1.0: ${vsJsYaml <= 1 ? "met" : "NOT met"})`);
console.log(`ratio pullspec / yaml:    ${vsYaml.toFixed(2)}`);

// Growth: the same workloads repeated; time per line must stay flat (linear).
console.log("growth (validateManifests, ms per 1,000 lines):");
for (const k of [1, 4, 16]) {
  const big = Array.from({ length: k }, () => text).join("---\n");
  const ms = median(Array.from({ length: Math.max(3, Math.floor(rounds / k)) }, () => {
    const t0 = performance.now();
    validateManifests(big);
    return performance.now() - t0;
  }));
  const n = big.split("\n").length;
  console.log(`  ${String(n).padStart(7)} lines: ${ms.toFixed(1).padStart(8)} ms  (${((ms / n) * 1000).toFixed(2)} ms / 1k lines)`);
}

const dir = process.env.BENCH_MANIFESTS;
if (dir) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e.name) && statSync(p).size < 16 << 20) files.push(p);
    }
  };
  walk(dir);
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, "pkg/cli.js"), "check", "--format", "json", dir], { encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const n = r.stdout ? JSON.parse(r.stdout).diagnostics.length : -1;
  console.log(`pullspec check ${dir}: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${ms.toFixed(0)} ms whole process (exit ${r.status}, ${n} diagnostics)`);
}
