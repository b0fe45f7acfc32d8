"""The vendor's Python SDK through `csmsmock proxy`, the CI gate, in front of a csmsmock of its
own. The SDK signs `host`, so the proxy, which must send the upstream's Host, verifies each
signature with the access key it is given (--ak/--sk) and signs the request again; without
the key it refuses such a request, naming the flags, rather than forward a broken signature.

CSMS calls go to the proxy (the SDK's region override); the project lookup goes straight to
the mock's IAM (the SDK's IAM override), as it goes to the real IAM when the proxy stands in
front of a real endpoint: the proxy forwards to one upstream, the CSMS endpoint."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretRequest, CreateSecretRequestBody, CreateSecretVersionRequest,
    CreateSecretVersionRequestBody, DeleteSecretRequest, DownloadSecretBlobRequest,
    ListSecretsRequest, ListSecretVersionsRequest, ShowSecretRequest, ShowSecretVersionRequest,
    UploadSecretBlobRequest, UploadSecretBlobRequestBody)

from conftest import DEMO_PROJECT_ID, REPO
from test_sdk import BACKUP_PREFIX, app_client

# A key of the gate's own: the SDK caches the project it finds per AK and region for the life
# of the process, so this one's lookup is never skipped, whatever ran before.
GATE_AK = "PYGATEAK000000000001"
GATE_SK = "pyGateSecretKey000000000000000000000000"

FIXTURES = f"""
credentials:
  - name: python-gate
    ak: {GATE_AK}
    sk: {GATE_SK}
    projects: [{DEMO_PROJECT_ID}]
"""


class Program:
    """A csmsmock command of the test's own: its URL and admin API."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([str(binary), *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.url = None
        self.banner = ""
        for line in self.proc.stdout:
            self.banner += line
            m = re.search(r"listening on (http://[^\s,]+)", line)
            if m:
                self.url = m.group(1)
            if line.strip() == "Stop with Ctrl-C.":
                break
        assert self.url, f"csmsmock {args[0]} printed no address:\n{self.banner}"

    def admin(self, what):
        res = requests.get(f"{self.url}/__admin/{what}", timeout=10)
        res.raise_for_status()
        return res.json()[what if what == "violations" else "requests"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=15)


@pytest.fixture(scope="module")
def csmsmock():
    work = Path(tempfile.mkdtemp(prefix="csmskit-python-gate-"))
    binary = work / "csmsmock"
    subprocess.run(["go", "build", "-o", str(binary), "./cmd/csmsmock"], cwd=REPO, check=True)
    (work / "fixtures.yaml").write_text(FIXTURES)
    mock = Program(binary, "serve", "--addr", "127.0.0.1:0", "--fixtures", str(work / "fixtures.yaml"))
    try:
        yield binary, mock
    finally:
        mock.stop()
        shutil.rmtree(work, ignore_errors=True)


def csms_calls(program):
    """The CSMS requests a program journaled (not its admin API's)."""
    return [e for e in program.admin("journal") if e["path"].startswith("/v1/")]


def sdk_env(proxy, mock):
    """The SDK's overrides: CSMS at the proxy, IAM at the mock."""
    return {"HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4": proxy.url, "HUAWEICLOUD_SDK_IAM_ENDPOINT": mock.url}


@pytest.fixture
def environment():
    """Sets environment variables for one test and puts the old values back after it."""
    saved = {}

    def set_env(values):
        for k, v in values.items():
            saved.setdefault(k, os.environ.get(k))
            os.environ[k] = v

    yield set_env
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def test_the_gate_signs_again(csmsmock, environment):
    binary, mock = csmsmock
    proxy = Program(binary, "proxy", "--addr", "127.0.0.1:0", "--upstream", mock.url,
                    "--ak", GATE_AK, "--sk", GATE_SK)
    try:
        environment(sdk_env(proxy, mock))
        client = app_client(GATE_AK, GATE_SK)
        name = "py-gated"
        created = client.create_secret(CreateSecretRequest(
            body=CreateSecretRequestBody(name=name, secret_string="first-s3cr3t")))
        assert created.secret.name == name
        assert client.show_secret(ShowSecretRequest(secret_name=name)).secret.state == "ENABLED"
        client.create_secret_version(CreateSecretVersionRequest(
            secret_name=name, body=CreateSecretVersionRequestBody(secret_string="second-s3cr3t")))
        versions = client.list_secret_versions(ListSecretVersionsRequest(secret_name=name))
        assert {v.id: v.version_stages for v in versions.version_metadatas} == {
            "v1": ["SYSPREVIOUS"], "v2": ["SYSCURRENT"]}
        assert name in [s.name for s in client.list_secrets(ListSecretsRequest(limit="100")).secrets]

        blob = client.download_secret_blob(DownloadSecretBlobRequest(secret_name=name)).secret_blob
        assert blob.startswith(BACKUP_PREFIX)
        client.delete_secret(DeleteSecretRequest(secret_name=name))
        with pytest.raises(exceptions.ClientRequestException) as gone:
            client.show_secret(ShowSecretRequest(secret_name=name))
        assert (gone.value.status_code, gone.value.error_code) == (404, "CSMS.0106")
        client.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(secret_blob=blob)))
        for version_id, value in {"v1": "first-s3cr3t", "v2": "second-s3cr3t"}.items():
            got = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id=version_id))
            assert got.version.secret_string == value

        # The lookup went straight to the mock's IAM; the CSMS calls through the proxy, signed
        # with host, as the SDK signs them.
        lookups = [e for e in mock.admin("journal") if e.get("operation") == "KeystoneListProjects"]
        assert lookups and lookups[-1]["principal"] == "python-gate"
        gated = csms_calls(proxy)
        assert {e["operation"] for e in gated} >= {
            "CreateSecret", "ShowSecret", "CreateSecretVersion", "ListSecretVersions", "ListSecrets",
            "DownloadSecretBlob", "DeleteSecret", "UploadSecretBlob", "ShowSecretVersion"}
        assert all(e["path"].startswith(f"/v1/{DEMO_PROJECT_ID}/") for e in gated)
        signed = gated[0]["headers"]["Authorization"]
        assert "host" in re.search(r"SignedHeaders=([^,]+)", signed).group(1).split(";")
        assert GATE_AK not in str(gated) and GATE_SK not in str(gated) and GATE_SK not in proxy.banner
        assert proxy.admin("violations") == []
        assert mock.admin("violations") == []
    finally:
        proxy.stop()


def test_the_gate_without_the_key_says_so(csmsmock, environment):
    binary, mock = csmsmock
    proxy = Program(binary, "proxy", "--addr", "127.0.0.1:0", "--upstream", mock.url)
    try:
        environment(sdk_env(proxy, mock))
        client = app_client(GATE_AK, GATE_SK)
        reached = len(csms_calls(mock))
        with pytest.raises(exceptions.ClientRequestException) as refused:
            client.list_secrets(ListSecretsRequest())
        assert (refused.value.status_code, refused.value.error_code) == (401, "APIGW.0301")
        assert "--ak/--sk" in refused.value.error_msg
        assert len(csms_calls(mock)) == reached, "a signature the proxy cannot forward intact reached the mock"
    finally:
        proxy.stop()
