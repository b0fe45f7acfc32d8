"""The vendor's Python SDK (huaweicloudsdkcsms) against csmsmock in a container, with the client
built as applications build it: a region and AK/SK credentials without a project ID. The SDK
finds the region's endpoint and IAM in its environment variables, and the project at the mock's
IAM."""

import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretRequest, CreateSecretRequestBody, CsmsClient, DeleteSecretRequest,
    DownloadSecretBlobRequest, ShowSecretRequest, ShowSecretVersionRequest, UploadSecretBlobRequest,
    UploadSecretBlobRequestBody)
from huaweicloudsdkcsms.v1.region.csms_region import CsmsRegion

from csmskit_testcontainers import DEMO_PROJECT_ID, DEMO_REGION, DEMO_TOKEN, CsmsMockContainer

BACKUP_PREFIX = ")CloudSecretManagementBackupV1.com"


def app_client(mock, monkeypatch):
    """The client as the vendor's samples build it, in the environment that points it at mock."""
    for name, value in mock.sdk_environment().items():
        monkeypatch.setenv(name, value)
    return CsmsClient.new_builder() \
        .with_credentials(BasicCredentials(mock.ak, mock.sk)) \
        .with_region(CsmsRegion.value_of(mock.region)) \
        .build()


def admin_get(mock, path):
    """GET on the mock's admin API with its admin token."""
    res = requests.get(mock.endpoint + path, headers={"Authorization": f"Bearer {mock.admin_token}"},
                       verify=mock.ca_cert_path if mock.endpoint.startswith("https") else True, timeout=10)
    res.raise_for_status()
    return res.json()


def published_on_loopback(mock):
    bindings = mock.get_wrapped_container().attrs["HostConfig"]["PortBindings"]["8080/tcp"]
    assert bindings and all(b["HostIp"] == "127.0.0.1" for b in bindings), bindings


def lifecycle(client):
    """Create, read, back up, delete, restore from the backup, read back."""
    name, value = "py-tc-db-password", "s3cr3t-from-testcontainers"
    created = client.create_secret(CreateSecretRequest(
        body=CreateSecretRequestBody(name=name, secret_string=value)))
    assert created.secret.name == name
    assert client.show_secret(ShowSecretRequest(secret_name=name)).secret.state == "ENABLED"
    latest = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
    assert latest.version.secret_string == value

    blob = client.download_secret_blob(DownloadSecretBlobRequest(secret_name=name)).secret_blob
    assert blob.startswith(BACKUP_PREFIX)

    client.delete_secret(DeleteSecretRequest(secret_name=name))
    with pytest.raises(exceptions.ClientRequestException) as gone:
        client.show_secret(ShowSecretRequest(secret_name=name))
    assert (gone.value.status_code, gone.value.error_code) == (404, "CSMS.0106")

    restored = client.upload_secret_blob(UploadSecretBlobRequest(body=UploadSecretBlobRequestBody(secret_blob=blob)))
    assert restored.secret.name == name
    again = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
    assert again.version.secret_string == value


def test_lifecycle(csmsmock, monkeypatch):
    """Over plain HTTP, with the demo identity, from the plugin's fixture."""
    assert csmsmock.endpoint.startswith("http://127.0.0.1:")
    assert (csmsmock.project_id, csmsmock.region, csmsmock.token) == (DEMO_PROJECT_ID, DEMO_REGION, DEMO_TOKEN)
    published_on_loopback(csmsmock)
    client = app_client(csmsmock, monkeypatch)
    lookups = [e for e in admin_get(csmsmock, "/__admin/journal")["requests"]
               if e.get("operation") == "KeystoneListProjects"]
    assert lookups and lookups[-1]["query"] == f"name={DEMO_REGION}" and lookups[-1]["status"] == 200

    lifecycle(client)
    paths = [e["path"] for e in admin_get(csmsmock, "/__admin/journal")["requests"] if e["path"].startswith("/v1/")]
    assert paths and all(p.startswith(f"/v1/{DEMO_PROJECT_ID}/") for p in paths)
    assert admin_get(csmsmock, "/__admin/violations")["violations"] == []
    # The admin API answers the admin token only.
    assert requests.get(csmsmock.endpoint + "/__admin/journal", timeout=10).status_code == 401


def test_tls(mock_image, monkeypatch):
    """Over HTTPS trusting the mock's certificate authority (REQUESTS_CA_BUNDLE), for an
    identity and region of the test's own: the SDK caches the project it finds per AK and region
    for the life of the process, so this lookup is never skipped."""
    project = "7d1e3f5a9b0c2e4f6a8b0d1c3e5f7a9b"
    with CsmsMockContainer(mock_image).with_tls().with_region("ap-southeast-3").with_credentials(
            project_id=project, ak="PYTLSAK0000000000001", sk="pyTlsSecretKey0000000000000000000000000") as mock:
        assert mock.endpoint.startswith("https://127.0.0.1:")
        assert (mock.project_id, mock.ak, mock.region, mock.token) == (
            project, "PYTLSAK0000000000001", "ap-southeast-3", DEMO_TOKEN)
        published_on_loopback(mock)
        with open(mock.ca_cert_path) as f:
            assert f.read().startswith("-----BEGIN CERTIFICATE-----")
        client = app_client(mock, monkeypatch)
        lifecycle(client)
        lookups = [e for e in admin_get(mock, "/__admin/journal")["requests"]
                   if e.get("operation") == "KeystoneListProjects"]
        assert lookups and lookups[-1]["query"] == "name=ap-southeast-3"
        paths = [e["path"] for e in admin_get(mock, "/__admin/journal")["requests"] if e["path"].startswith("/v1/")]
        assert paths and all(p.startswith(f"/v1/{project}/") for p in paths)


FIXTURES = f"""
projects:
  - id: {DEMO_PROJECT_ID}
    name: {DEMO_REGION}
    secrets:
      - name: fixture-db-password
        versions:
          - value: "old-s3cr3t"
          - value: "fixture-s3cr3t"
"""


def test_fixtures(mock_image, monkeypatch, tmp_path):
    """A secret from the fixtures file is there to read, with the SDK and with the token; the
    demo secret is not."""
    fixtures = tmp_path / "fixtures.yaml"
    fixtures.write_text(FIXTURES)
    with CsmsMockContainer(mock_image).with_fixtures(fixtures) as mock:
        client = app_client(mock, monkeypatch)
        latest = client.show_secret_version(
            ShowSecretVersionRequest(secret_name="fixture-db-password", version_id="latest"))
        assert latest.version.secret_string == "fixture-s3cr3t"
        with pytest.raises(exceptions.ClientRequestException) as gone:
            client.show_secret(ShowSecretRequest(secret_name="demo-secret"))
        assert gone.value.status_code == 404

        res = requests.get(f"{mock.endpoint}/v1/{mock.project_id}/secrets/fixture-db-password/versions/v1",
                           headers={"X-Auth-Token": mock.token}, timeout=10)
        assert res.status_code == 200 and res.json()["version"]["secret_string"] == "old-s3cr3t"


@pytest.mark.parametrize("tls", [False, True])
def test_start_fails_when_the_mock_exits(mock_image, tls):
    """A mock that refuses its flags fails start at once, not after the startup timeout."""
    mock = CsmsMockContainer(mock_image).with_region("Not_A_Region")
    if tls:
        mock.with_tls()
    began = time.monotonic()
    with pytest.raises(RuntimeError, match="is not a region name"):
        with mock:
            pass
    assert time.monotonic() - began < 30
