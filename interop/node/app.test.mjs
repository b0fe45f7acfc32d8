// The Node application (app.mjs) against a csmsmock of its own, over TLS, configured by its
// environment alone. Run with: node --test interop/node/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const work = mkdtempSync(join(tmpdir(), "csmskit-node-"));
const ca = join(work, "csmsmock-ca.pem");
let mock, url;

before(async () => {
  const bin = join(work, "csmsmock");
  execFileSync("go", ["build", "-o", bin, "./cmd/csmsmock"], { cwd: repo, stdio: "inherit" });
  mock = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--tls", "--tls-cert-out", ca], { stdio: ["ignore", "pipe", "ignore"] });
  const lines = createInterface({ input: mock.stdout });
  for await (const line of lines) {
    const m = line.match(/listening on (https:\/\/\S+)/);
    if (m) url = m[1];
    if (line.trim() === "Stop with Ctrl-C.") break;
  }
  assert.ok(url, "csmsmock printed no https address");
});

after(() => {
  mock?.kill();
  rmSync(work, { recursive: true, force: true });
});

function runApp(extra = {}) {
  const env = {
    PATH: process.env.PATH,
    CSMS_ENDPOINT: url, IAM_ENDPOINT: url,
    IAM_USER: "demo-user", IAM_PASSWORD: "demo-password", IAM_DOMAIN: "demo-domain", REGION: "cn-north-4",
    NODE_EXTRA_CA_CERTS: ca,
    ...extra,
  };
  return spawnSync(process.execPath, [join(here, "app.mjs")], { env, encoding: "utf8", timeout: 60000 });
}

test("an unmodified Node application keeps, backs up and restores a secret", () => {
  const res = runApp();
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.project, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  assert.equal(out.blobPrefix, ")CloudSecretManagementBackupV1.com");
  assert.deepEqual(out.restored, ["one", "two"]);
  assert.equal(out.unknown.status, 404);
  assert.equal(out.unknown.code, "CSMS.0106");
  assert.match(out.unknown.requestId ?? "", /^[0-9a-f]{32}$/);
});

test("without the mock's certificate authority the application refuses the connection", () => {
  const res = runApp({ NODE_EXTRA_CA_CERTS: "" });
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /certificate|self[- ]signed|UNABLE_TO|issuer/i);
});

test("a wrong password is IAM's 401", () => {
  const res = runApp({ IAM_PASSWORD: "wrong" });
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /401 APIGW\.0301/);
});
