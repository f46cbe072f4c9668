import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./helpers.mjs";

test("pullspec ref prints a table, --json for machines, exit 1 on invalid input", () => {
  const ok = cli(["ref", "nginx", "localhost:5000/app:1.0"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^INPUT\s+REGISTRY\s+REPOSITORY/);
  assert.match(ok.stdout, /nginx\s+docker\.io\s+library\/nginx/);
  const json = cli(["ref", "--json", "nginx:1.25", "Bad"]);
  assert.equal(json.status, 1);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed[0].reference.normalized, "docker.io/library/nginx:1.25");
  assert.equal(parsed[1].error.code, "NAME_CONTAINS_UPPERCASE");
  assert.match(json.stderr, /NAME_CONTAINS_UPPERCASE/);
});

test("pullspec policy prints the policy, the decision and the reason", () => {
  const r = cli(["policy", "nginx", "--absent"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /policy:\s+Always: defaults to Always/);
  assert.match(r.stdout, /absent : pull/);
  const never = cli(["policy", "nginx:1.25", "--policy", "Never", "--absent", "--json"]);
  assert.equal(never.status, 0, never.stderr);
  const j = JSON.parse(never.stdout);
  assert.equal(j.policy, "Never");
  assert.equal(j.decisions[0].error, "ErrImageNeverPull");
  const forced = cli(["policy", "nginx:1.25", "--always-pull-images", "--json"]);
  assert.equal(JSON.parse(forced.stdout).policy, "Always");
});

test("usage errors exit 2, invalid input exits 1", () => {
  assert.equal(cli([]).status, 2);
  assert.equal(cli(["nope"]).status, 2);
  assert.equal(cli(["ref"]).status, 2);
  assert.equal(cli(["ref", "--bogus", "x"]).status, 2);
  assert.equal(cli(["policy", "nginx", "--present", "--absent"]).status, 2);
  const bad = cli(["policy", "nginx", "--policy", "always"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /POLICY_INVALID/);
});
