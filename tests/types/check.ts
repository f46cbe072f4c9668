import { parseReference, validateManifests, checkManifests, RegistryClient, PullspecError, type Diagnostic, type PullspecErrorCode } from "pullspec";
import * as core from "pullspec/core";
const r = parseReference("nginx");
const n: string = r.normalized;
const d: Diagnostic[] = validateManifests("kind: Pod", { rules: { IMAGE_NOT_PINNED: "error" } });
const d2: core.Diagnostic[] = core.validateManifests("x");
const p: Promise<Diagnostic[]> = checkManifests("x", { client: new RegistryClient() });
const c: PullspecErrorCode = "DIGEST_MISMATCH";
// @ts-expect-error the core entry has no registry client
core.RegistryClient;
void [n, d, d2, p, c, PullspecError];
