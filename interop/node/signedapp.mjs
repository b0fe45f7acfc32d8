// A Node.js application that keeps a secret in CSMS, signing with AK/SK through the vendor's
// Node core (@huaweicloud/huaweicloud-sdk-core). No CSMS client is published for Node, so it
// has one written as the vendor's generated service clients are: a ClientBuilder whose
// HcClient sends each operation's request options (method, URL template, content type, path
// and query parameters, body); the core looks the project up at IAM, fills {project_id} in and
// signs the request (AKSKSigner: every header it sets, host among them).
//
//   CSMS_ENDPOINT, IAM_ENDPOINT  the services' base URLs
//   CLOUD_SDK_AK, CLOUD_SDK_SK, REGION
//
// It runs create, show, add a version, list versions and secrets, back up, delete, restore and
// read back, and prints one JSON line with what it saw; a failed call exits 1 printing the
// core's exception.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { ClientBuilder } = require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder");
const { BasicCredentials } = require("@huaweicloud/huaweicloud-sdk-core");
const { Region } = require("@huaweicloud/huaweicloud-sdk-core/region/region");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

// CsmsClient is the few operations the application calls, as a generated client has them.
class CsmsClient {
  static newBuilder() {
    return new ClientBuilder((hcClient) => new CsmsClient(hcClient));
  }

  constructor(hcClient) {
    this.hcClient = hcClient;
  }

  createSecret(body) {
    return this.send("POST", "/v1/{project_id}/secrets", {}, body);
  }

  showSecret(name) {
    return this.send("GET", "/v1/{project_id}/secrets/{secret_name}", { secret_name: name });
  }

  createSecretVersion(name, body) {
    return this.send("POST", "/v1/{project_id}/secrets/{secret_name}/versions", { secret_name: name }, body);
  }

  listSecretVersions(name) {
    return this.send("GET", "/v1/{project_id}/secrets/{secret_name}/versions", { secret_name: name });
  }

  listSecrets(limit) {
    return this.send("GET", "/v1/{project_id}/secrets", {}, undefined, { limit });
  }

  showSecretVersion(name, versionId) {
    return this.send("GET", "/v1/{project_id}/secrets/{secret_name}/versions/{version_id}", { secret_name: name, version_id: versionId });
  }

  downloadSecretBlob(name) {
    return this.send("POST", "/v1/{project_id}/secrets/{secret_name}/backup", { secret_name: name });
  }

  deleteSecret(name) {
    return this.send("DELETE", "/v1/{project_id}/secrets/{secret_name}", { secret_name: name });
  }

  uploadSecretBlob(body) {
    return this.send("POST", "/v1/{project_id}/secrets/restore", {}, body);
  }

  // send is a generated ParamCreater's options, handed to the core.
  send(method, url, pathParams, data, queryParams = {}) {
    const options = { method, url, contentType: "application/json", queryParams, pathParams, headers: {} };
    if (data !== undefined) {
      options.data = data;
      options.headers["Content-Type"] = "application/json";
    }
    options.responseHeaders = [""];
    return this.hcClient.sendRequest(options);
  }
}

async function main() {
  const credentials = new BasicCredentials()
    .withAk(env("CLOUD_SDK_AK"))
    .withSk(env("CLOUD_SDK_SK"))
    .withIamEndpoint(env("IAM_ENDPOINT"));
  const client = CsmsClient.newBuilder()
    .withCredential(credentials)
    .withRegion(new Region(env("REGION"), env("CSMS_ENDPOINT")))
    .build();
  const name = `node-signed-${process.pid}`;

  await client.createSecret({ name, secret_string: "one" });
  const shown = await client.showSecret(name);
  await client.createSecretVersion(name, { secret_string: "two" });
  const versions = await client.listSecretVersions(name);
  const listed = await client.listSecrets("100");
  const backup = await client.downloadSecretBlob(name);
  await client.deleteSecret(name);
  let unknown = null;
  try {
    await client.showSecret(name);
  } catch (err) {
    unknown = { status: err.httpStatusCode, code: err.errorCode };
  }
  await client.uploadSecretBlob({ secret_blob: backup.secret_blob });
  const v1 = await client.showSecretVersion(name, "v1");
  const latest = await client.showSecretVersion(name, "latest");
  console.log(JSON.stringify({
    project: credentials.projectId,
    state: shown.secret.state,
    versions: versions.version_metadatas.map((v) => `${v.id}=${(v.version_stages ?? []).join("+")}`),
    listed: listed.secrets.some((s) => s.name === name),
    blobPrefix: backup.secret_blob.slice(0, 34),
    unknown,
    restored: [v1.version.secret_string, latest.version.secret_string],
  }));
}

main().catch((err) => {
  const { httpStatusCode, errorCode, errorMsg } = err;
  console.error(JSON.stringify({ failed: String(err.message ?? err), httpStatusCode, errorCode, errorMsg }));
  process.exit(1);
});
