"""Grants, batch import and the secrets checker through the vendor's Python SDK against
csmsmock, called as applications call them: CsmsClient's own requests and answers."""

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    BatchImportSecretsRequest, CheckSecretsRequest, CheckSecretsRequestBody, CreateGrantsRequest,
    CreateSecretRequest, CreateSecretRequestBody, DeleteGrantRequest, DeleteSecretRequest,
    GrantSecretReqBody, ImportSecretsRequest, ListGrantsRequest, ListSecretsRequest,
    ShowSecretRequest, ShowSecretsConfigRequest, ShowSecretVersionRequest, UpdateGrantRequest,
    UpdateSecretsConfigRequest, UpdateSecretsConfigRequestBody)

from conftest import DEMO_AK, DEMO_SK
from test_sdk import app_client

USER = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
GROUP = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"


def grant_body(secret_id, grantee, grantee_type="0", validity=None):
    return GrantSecretReqBody(resource_id=secret_id, type="SECRET", grantee_type=grantee_type,
                              grantee_target_id=grantee, validity_time=validity)


def test_grants(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    secret = client.create_secret(CreateSecretRequest(
        body=CreateSecretRequestBody(name="py-granted", secret_string="Granted-s3cret"))).secret

    granted = client.create_grants(CreateGrantsRequest(
        body=grant_body(secret.id, USER, validity="1893456000000"))).data
    assert granted.uuid
    assert granted.resource_id == secret.id
    assert granted.grantee_user == USER
    assert granted.validity_time == 1893456000000
    assert granted.state == 1
    client.create_grants(CreateGrantsRequest(body=grant_body(secret.id, GROUP, grantee_type="2")))

    with pytest.raises(exceptions.ClientRequestException) as twice:
        client.create_grants(CreateGrantsRequest(body=grant_body(secret.id, USER)))
    assert twice.value.status_code == 400

    listed = client.list_grants(ListGrantsRequest(resource_id=secret.id)).data
    assert listed.id == secret.id
    assert listed.name == "py-granted"
    assert [(u.user_id, u.validity_time) for u in listed.grantee_user] == [
        (USER, 1893456000000), (GROUP, None)]

    updated = client.update_grant(UpdateGrantRequest(
        resource_id=secret.id, body=grant_body(secret.id, USER, validity="1924992000000"))).data
    assert updated.uuid == granted.uuid
    assert updated.validity_time == 1924992000000

    client.delete_grant(DeleteGrantRequest(resource_id=secret.id, grantee_user=GROUP))
    listed = client.list_grants(ListGrantsRequest(resource_id=secret.id)).data
    assert [(u.user_id, u.validity_time) for u in listed.grantee_user] == [(USER, 1924992000000)]

    with pytest.raises(exceptions.ClientRequestException) as absent:
        client.delete_grant(DeleteGrantRequest(resource_id=secret.id, grantee_user=GROUP))
    assert absent.value.status_code == 404
    assert absent.value.error_code == "CSMS.0005"

    client.delete_secret(DeleteSecretRequest(secret_name="py-granted"))
    with pytest.raises(exceptions.ClientRequestException) as gone:
        client.list_grants(ListGrantsRequest(resource_id=secret.id))
    assert gone.value.status_code == 404
    assert mock.violations() == []


def test_batch_import(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    client.create_secret(CreateSecretRequest(
        body=CreateSecretRequestBody(name="py-import-taken", secret_string="kept-value")))
    answer = client.batch_import_secrets(BatchImportSecretsRequest(body=ImportSecretsRequest(secrets=[
        CreateSecretRequestBody(name="py-import-a", secret_string="value-a"),
        CreateSecretRequestBody(name="py-import-taken", secret_string="replacing-value"),
        CreateSecretRequestBody(name="py-import-b", secret_binary="AAEC"),
    ])))
    assert (answer.total, answer.success, answer.failed) == (3, 2, 1)
    assert [e.name for e in answer.error_list] == ["py-import-taken"]
    assert "already exists" in answer.error_list[0].error_msg

    assert client.show_secret(ShowSecretRequest(secret_name="py-import-a")).secret.state == "ENABLED"
    value = client.show_secret_version(ShowSecretVersionRequest(secret_name="py-import-b", version_id="latest"))
    assert value.version.secret_binary == "AAEC"
    kept = client.show_secret_version(ShowSecretVersionRequest(secret_name="py-import-taken", version_id="latest"))
    assert kept.version.secret_string == "kept-value"
    names = {s.name for s in client.list_secrets(ListSecretsRequest(limit="1000")).secrets}
    assert {"py-import-a", "py-import-b", "py-import-taken"} <= names
    for name in ("py-import-a", "py-import-b", "py-import-taken"):
        client.delete_secret(DeleteSecretRequest(secret_name=name))
    assert mock.violations() == []


def test_checker(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    for name, value in (("py-weak", "short"), ("py-strong", "Long-enough-1")):
        client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name=name, secret_string=value)))

    assert client.show_secrets_config(ShowSecretsConfigRequest()).checking_secret_strength is True
    checked = client.check_secrets(CheckSecretsRequest(body=CheckSecretsRequestBody(
        type="1", data={"secret_names": ["py-weak", "py-strong"]})))
    assert checked.type == "1"
    results = {r["secret_name"]: r for r in checked.data["results"]}
    assert results["py-strong"]["strength"] == "STRONG"
    assert results["py-weak"]["strength"] == "WEAK"
    assert results["py-weak"]["reasons"]

    off = client.update_secrets_config(UpdateSecretsConfigRequest(
        body=UpdateSecretsConfigRequestBody(checking_secret_strength=False)))
    assert off.checking_secret_strength is False
    assert client.show_secrets_config(ShowSecretsConfigRequest()).checking_secret_strength is False
    checked = client.check_secrets(CheckSecretsRequest(body=CheckSecretsRequestBody(type="1", data={})))
    assert checked.data == {"checking_secret_strength": False, "results": []}
    client.update_secrets_config(UpdateSecretsConfigRequest(
        body=UpdateSecretsConfigRequestBody(checking_secret_strength=True)))

    with pytest.raises(exceptions.ClientRequestException) as unknown:
        client.check_secrets(CheckSecretsRequest(body=CheckSecretsRequestBody(
            type="1", data={"secret_names": ["py-never-created"]})))
    assert unknown.value.status_code == 404
    for name in ("py-weak", "py-strong"):
        client.delete_secret(DeleteSecretRequest(secret_name=name))
    assert mock.violations() == []
