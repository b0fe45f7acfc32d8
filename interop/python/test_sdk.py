"""The vendor's Python SDK (huaweicloudsdkcsms, huaweicloudsdkcore) against csmsmock, with the
client built as applications build it: a region and AK/SK credentials without a project ID.
The SDK looks the project up at the mock's IAM and reaches the mock through its own region
override, over TLS it verifies."""

import re

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretRequest, CreateSecretRequestBody, CreateSecretVersionRequest,
    CreateSecretVersionRequestBody, CsmsClient, DeleteSecretRequest, DownloadSecretBlobRequest,
    ListSecretsRequest, ListSecretVersionsRequest, ShowSecretRequest, ShowSecretVersionRequest,
    UploadSecretBlobRequest, UploadSecretBlobRequestBody)
from huaweicloudsdkcsms.v1.region.csms_region import CsmsRegion

from conftest import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, SECOND_AK

BACKUP_PREFIX = ")CloudSecretManagementBackupV1.com"


def app_client(ak, sk):
    """The client as the vendor's samples build it."""
    credentials = BasicCredentials(ak, sk)
    return CsmsClient.new_builder() \
        .with_credentials(credentials) \
        .with_region(CsmsRegion.value_of("cn-north-4")) \
        .build()


def test_lifecycle(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    lookups = [e for e in mock.journal() if e.get("operation") == "KeystoneListProjects"]
    assert lookups, "the SDK did not ask the mock's IAM for the project"
    assert lookups[-1]["query"] == "name=cn-north-4"
    assert lookups[-1]["status"] == 200
    assert lookups[-1]["principal"] == "default"

    name = "py-db-password"
    created = client.create_secret(CreateSecretRequest(
        body=CreateSecretRequestBody(name=name, secret_string="first-s3cr3t")))
    assert created.secret.name == name
    assert created.secret.state == "ENABLED"

    client.create_secret_version(CreateSecretVersionRequest(
        secret_name=name, body=CreateSecretVersionRequestBody(secret_string="second-s3cr3t")))
    versions = client.list_secret_versions(ListSecretVersionsRequest(secret_name=name))
    stages = {v.id: v.version_stages for v in versions.version_metadatas}
    assert stages == {"v1": ["SYSPREVIOUS"], "v2": ["SYSCURRENT"]}

    latest = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
    assert latest.version.secret_string == "second-s3cr3t"

    blob = client.download_secret_blob(DownloadSecretBlobRequest(secret_name=name)).secret_blob
    assert blob.startswith(BACKUP_PREFIX)
    assert blob[len(BACKUP_PREFIX):].count(".") == 4

    client.delete_secret(DeleteSecretRequest(secret_name=name))
    with pytest.raises(exceptions.ClientRequestException) as gone:
        client.show_secret(ShowSecretRequest(secret_name=name))
    assert (gone.value.status_code, gone.value.error_code) == (404, "CSMS.0106")

    restored = client.upload_secret_blob(UploadSecretBlobRequest(
        body=UploadSecretBlobRequestBody(secret_blob=blob)))
    assert restored.secret.name == name
    for version_id, value in {"v1": "first-s3cr3t", "v2": "second-s3cr3t"}.items():
        got = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id=version_id))
        assert got.version.secret_string == value

    # Every call of a project's CSMS operation went to the project the lookup found (the
    # operations on the account, below /v1/csms/, name no project).
    csms_paths = [e["path"] for e in mock.journal()
                  if e["path"].startswith("/v1/") and not e["path"].startswith("/v1/csms/")]
    assert csms_paths and all(p.startswith(f"/v1/{DEMO_PROJECT_ID}/") for p in csms_paths)
    assert mock.violations() == []


def test_paging(mock):
    """More than two pages of 100, listed in both ways clients loop."""
    client = app_client(DEMO_AK, DEMO_SK)
    for i in range(250):
        client.create_secret(CreateSecretRequest(
            body=CreateSecretRequestBody(name=f"py-paged-{i:04d}", secret_string=f"value-{i}")))
    max_pages = 50  # a listing that never ends fails instead of hanging

    # While the page names a next marker.
    seen, pages, marker = [], 0, None
    while pages < max_pages:
        page = client.list_secrets(ListSecretsRequest(limit="100", marker=marker))
        pages += 1
        seen += [s.name for s in page.secrets]
        marker = page.page_info.next_marker if page.page_info else None
        if marker is None:
            break
    assert len(seen) == len(set(seen)), "a secret was listed twice"
    assert sum(n.startswith("py-paged-") for n in seen) == 250
    assert pages == -(-len(seen) // 100) >= 3

    # Until a page holds fewer than the limit.
    seen2, pages2, marker = [], 0, None
    while pages2 < max_pages:
        page = client.list_secrets(ListSecretsRequest(limit="100", marker=marker))
        pages2 += 1
        seen2 += [s.name for s in page.secrets]
        if page.page_info.current_count < 100:
            break
        marker = page.page_info.next_marker
    assert sorted(seen2) == sorted(seen)
    assert pages2 == pages


def test_unknown_secret(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    with pytest.raises(exceptions.ClientRequestException) as e:
        client.download_secret_blob(DownloadSecretBlobRequest(secret_name="py-no-such-secret"))
    assert e.value.status_code == 404
    assert e.value.error_code == "CSMS.0106"
    assert e.value.request_id, "the SDK did not pass on X-Request-Id"


def test_wrong_sk_on_a_call(mock):
    """The project is known (looked up with the right SK); the wrong SK's call is refused."""
    app_client(DEMO_AK, DEMO_SK)
    client = app_client(DEMO_AK, "wrong-secret-key")
    with pytest.raises(exceptions.ClientRequestException) as e:
        client.list_secrets(ListSecretsRequest())
    assert (e.value.status_code, e.value.error_code) == (401, "APIGW.0301")


def test_wrong_sk_at_the_lookup(mock):
    """The project lookup itself is refused with IAM's 401, and the SDK says so."""
    with pytest.raises(exceptions.SdkException) as e:
        app_client(SECOND_AK, "wrong-secret-key")
    message = str(e.value)
    assert "Failed to get project id of region 'cn-north-4'" in message
    assert re.search(r"401", message) and "APIGW.0301" in message
    refused = [x for x in mock.journal() if x.get("operation") == "KeystoneListProjects" and x["status"] == 401]
    assert refused, "the mock saw no refused lookup"
