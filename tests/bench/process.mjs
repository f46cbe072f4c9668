// Shared by the pull benchmarks: a whole process, timed.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * CPU time (user + sys, ms, 10 ms steps) of this process's children that have ended, from
 * /proc/self/stat (cutime + cstime, at 100 ticks/s); null where there is no /proc. Wall times
 * on a busy machine swing; CPU times much less.
 */
function childrenCpu() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // from field 3, state
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

/** Runs a process to its end: { wall, cpu } in ms (rejects on a non-zero exit). */
export function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpu();
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => {
      const wall = performance.now() - t0;
      const cpu = cpu0 === null ? null : childrenCpu() - cpu0;
      if (status !== 0) reject(new Error(`${cmd} ${args.join(" ")} exited ${status}: ${stderr}`));
      else resolve({ wall, cpu });
    });
  });
}
