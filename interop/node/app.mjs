// An application in Node.js that keeps a secret in CSMS. No CSMS SDK is published for Node,
// so it calls the REST API itself, the way such applications do: a user token from IAM
// (POST /v3/auth/tokens, scoped to the region's project by name), then CSMS with X-Auth-Token.
// It is configured only by its environment, and trusts the endpoint's certificate through
// Node's own NODE_EXTRA_CA_CERTS.
//
//   CSMS_ENDPOINT, IAM_ENDPOINT  the services' base URLs
//   IAM_USER, IAM_PASSWORD, IAM_DOMAIN, REGION
//
// It prints one JSON line with what it saw.

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

async function call(method, url, { token, body } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Auth-Token"] = token;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error(`${method} ${url}: ${res.status} ${data.error_code}`);
    Object.assign(err, { status: res.status, code: data.error_code, requestId: res.headers.get("x-request-id") });
    throw err;
  }
  return { data, headers: res.headers };
}

async function main() {
  const iam = env("IAM_ENDPOINT");
  const auth = await call("POST", `${iam}/v3/auth/tokens`, {
    body: {
      auth: {
        identity: { methods: ["password"], password: { user: { name: env("IAM_USER"), password: env("IAM_PASSWORD"), domain: { name: env("IAM_DOMAIN") } } } },
        scope: { project: { name: env("REGION") } },
      },
    },
  });
  const token = auth.headers.get("x-subject-token");
  const project = auth.data.token.project.id;
  const base = `${env("CSMS_ENDPOINT")}/v1/${project}/secrets`;
  const name = `node-app-${process.pid}`;

  await call("POST", base, { token, body: { name, secret_string: "one" } });
  await call("POST", `${base}/${name}/versions`, { token, body: { secret_string: "two" } });
  const { data: backup } = await call("POST", `${base}/${name}/backup`, { token });
  await call("DELETE", `${base}/${name}`, { token });
  let unknown = null;
  try {
    await call("GET", `${base}/${name}/versions/latest`, { token });
  } catch (err) {
    unknown = { status: err.status, code: err.code, requestId: err.requestId };
  }
  await call("POST", `${base}/restore`, { token, body: { secret_blob: backup.secret_blob } });
  const { data: v1 } = await call("GET", `${base}/${name}/versions/v1`, { token });
  const { data: latest } = await call("GET", `${base}/${name}/versions/latest`, { token });
  console.log(JSON.stringify({
    project,
    blobPrefix: backup.secret_blob.slice(0, 34),
    unknown,
    restored: [v1.version.secret_string, latest.version.secret_string],
  }));
}

main().catch((err) => {
  console.error(String(err.cause ?? err));
  process.exit(1);
});
