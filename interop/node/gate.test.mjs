// The Node application that signs with the vendor's Node core (signedapp.mjs) through
// `csmsmock proxy`, the CI gate, in front of a csmsmock of its own. The core signs host, so the
// proxy, which must send the upstream's Host, verifies each signature with the access key it
// is given (CSMSMOCK_AK and CSMSMOCK_SK, as CI gives it) and signs the request again; without
// the key it refuses such a request, naming the flags. CSMS calls go to the proxy, the project
// lookup straight to the mock's IAM, as it goes to the real IAM in front of a real endpoint.
// Run with: cd interop/node && npm ci && node --test
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
const work = mkdtempSync(join(tmpdir(), "csmskit-node-gate-"));
const bin = join(work, "csmsmock");
const DEMO_AK = "CSMSMOCKDEMOAK000001";
const DEMO_SK = "csmsmockDemoSecretKey0000000000000000000";
const started = [];

// start runs `csmsmock args…` with env added and returns its address once its banner is out.
async function start(args, env = {}) {
  const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"], env: { PATH: process.env.PATH, ...env } });
  started.push(proc);
  let url;
  for await (const line of createInterface({ input: proc.stdout })) {
    const m = line.match(/listening on (http:\/\/[^\s,]+)/);
    if (m) url = m[1];
    if (line.trim() === "Stop with Ctrl-C.") break;
  }
  proc.stdout.resume();
  assert.ok(url, `csmsmock ${args[0]} printed no address`);
  return url;
}

async function admin(url, what) {
  const res = await fetch(`${url}/__admin/${what}`);
  assert.equal(res.status, 200);
  return res.json();
}

// csmsCalls are the CSMS requests a program journaled (not its admin API's).
async function csmsCalls(url) {
  return (await admin(url, "journal")).requests.filter((e) => e.path.startsWith("/v1/"));
}

function runApp(proxyURL, mockURL) {
  const env = {
    PATH: process.env.PATH,
    CSMS_ENDPOINT: proxyURL, IAM_ENDPOINT: mockURL, REGION: "cn-north-4",
    CLOUD_SDK_AK: DEMO_AK, CLOUD_SDK_SK: DEMO_SK,
  };
  return spawnSync(process.execPath, [join(here, "signedapp.mjs")], { env, encoding: "utf8", timeout: 60000 });
}

before(() => {
  execFileSync("go", ["build", "-o", bin, "./cmd/csmsmock"], { cwd: repo, stdio: "inherit" });
});

after(() => {
  for (const p of started) p.kill();
  rmSync(work, { recursive: true, force: true });
});

test("the vendor's Node signer runs the lifecycle through the gate given the access key", async () => {
  const mock = await start(["serve", "--addr", "127.0.0.1:0"]);
  const gate = await start(["proxy", "--addr", "127.0.0.1:0", "--upstream", mock], { CSMSMOCK_AK: DEMO_AK, CSMSMOCK_SK: DEMO_SK });
  const res = runApp(gate, mock);
  assert.equal(res.status, 0, res.stderr);
  // The core logs each failed call (the deleted secret's 404) on stdout too: the answer is the last line.
  const out = JSON.parse(res.stdout.trim().split("\n").pop());
  assert.equal(out.project, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  assert.equal(out.state, "ENABLED");
  assert.deepEqual(out.versions, ["v1=SYSPREVIOUS", "v2=SYSCURRENT"]);
  assert.equal(out.listed, true);
  assert.equal(out.blobPrefix, ")CloudSecretManagementBackupV1.com");
  assert.deepEqual(out.unknown, { status: 404, code: "CSMS.0106" });
  assert.deepEqual(out.restored, ["one", "two"]);

  // The lookup went straight to the mock; the CSMS calls through the gate, signed with host.
  const lookups = (await admin(mock, "journal")).requests.filter((e) => e.operation === "KeystoneListProjects");
  assert.equal(lookups.length, 1);
  const gated = await csmsCalls(gate);
  const operations = new Set(gated.map((e) => e.operation));
  for (const op of ["CreateSecret", "ShowSecret", "CreateSecretVersion", "ListSecretVersions", "ListSecrets",
    "DownloadSecretBlob", "DeleteSecret", "UploadSecretBlob", "ShowSecretVersion"]) {
    assert.ok(operations.has(op), `the gate journaled no ${op}: ${[...operations]}`);
  }
  const signed = gated[0].headers.Authorization.match(/SignedHeaders=([^,]+)/)[1].split(";");
  assert.ok(signed.includes("host"), `the core signed ${signed}`);
  assert.ok(!JSON.stringify(gated).includes(DEMO_AK), "the gate journaled the access key it holds");
  assert.deepEqual((await admin(gate, "violations")).violations, []);
  assert.deepEqual((await admin(mock, "violations")).violations, []);
});

test("without the access key the gate refuses the core's signature, naming the flags", async () => {
  const mock = await start(["serve", "--addr", "127.0.0.1:0"]);
  const gate = await start(["proxy", "--addr", "127.0.0.1:0", "--upstream", mock]);
  const res = runApp(gate, mock);
  assert.equal(res.status, 1, res.stdout);
  const failed = JSON.parse(res.stderr.trim().split("\n").pop());
  assert.equal(failed.httpStatusCode, 401);
  assert.equal(failed.errorCode, "APIGW.0301");
  assert.match(failed.errorMsg, /--ak\/--sk/);
  assert.deepEqual(await csmsCalls(mock), [], "a signature the proxy cannot forward intact reached the mock");
});
