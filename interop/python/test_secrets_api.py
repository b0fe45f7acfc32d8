"""The rest of the secrets API through the vendor's Python SDK, as applications and
infrastructure-as-code tools call it: updating a secret and a version, stages, scheduled
deletion and its cancellation, tags by the secret's id, the tag searches, random passwords."""

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    BatchCreateOrDeleteTagsRequest, BatchCreateOrDeleteTagsRequestBody, CreatePasswordRequestBody,
    CreateSecretRequest, CreateSecretRequestBody, CreateSecretTagRequest, CreateSecretTagRequestBody,
    CreateSecretVersionRequest, CreateSecretVersionRequestBody, DeleteSecretForScheduleRequest,
    DeleteSecretForScheduleRequestBody, DeleteSecretRequest, DeleteSecretStageRequest,
    DeleteSecretTagRequest, GenerateRandomPasswordRequest, ListProjectSecretsTagsRequest,
    ListResourceInstancesRequest, ListResourceInstancesRequestBody, ListSecretTagsRequest,
    RestoreSecretRequest, ShowSecretRequest, ShowSecretStageRequest, ShowSecretVersionRequest, Tag,
    TagItem, UpdateSecretRequest, UpdateSecretRequestBody, UpdateSecretStageRequest,
    UpdateSecretStageRequestBody, UpdateVersionRequest, UpdateVersionRequestBody)

from conftest import DEMO_AK, DEMO_SK
from test_sdk import app_client


@pytest.fixture
def client(mock):
    return app_client(DEMO_AK, DEMO_SK)


@pytest.fixture
def secret(client):
    """A secret of two versions, deleted at the end."""
    name = "py-api-" + __import__("secrets").token_hex(4)
    created = client.create_secret(CreateSecretRequest(
        body=CreateSecretRequestBody(name=name, secret_string="one")))
    client.create_secret_version(CreateSecretVersionRequest(
        secret_name=name, body=CreateSecretVersionRequestBody(secret_string="two")))
    yield created.secret
    try:
        client.delete_secret(DeleteSecretRequest(secret_name=name))
    except exceptions.ClientRequestException:
        pass


def test_update_secret_and_version(client, secret):
    updated = client.update_secret(UpdateSecretRequest(
        secret_name=secret.name, body=UpdateSecretRequestBody(description="rotated by hand")))
    assert updated.secret.description == "rotated by hand"
    assert client.show_secret(ShowSecretRequest(secret_name=secret.name)).secret.description == "rotated by hand"

    expire = 4102444800000  # 2100-01-01, epoch milliseconds
    version = client.update_version(UpdateVersionRequest(
        secret_name=secret.name, version_id="v1", body=UpdateVersionRequestBody(expire_time=expire)))
    assert version.version_metadata.id == "v1"
    assert version.version_metadata.expire_time == expire


def test_stages(client, secret):
    current = client.show_secret_stage(ShowSecretStageRequest(secret_name=secret.name, stage_name="SYSCURRENT"))
    assert current.stage.version_id == "v2"

    moved = client.update_secret_stage(UpdateSecretStageRequest(
        secret_name=secret.name, stage_name="blue", body=UpdateSecretStageRequestBody(version_id="v1")))
    assert moved.stage.name == "blue" and moved.stage.version_id == "v1"
    value = client.show_secret_version(ShowSecretVersionRequest(secret_name=secret.name, version_id="v1"))
    assert "blue" in value.version.version_metadata.version_stages

    client.delete_secret_stage(DeleteSecretStageRequest(secret_name=secret.name, stage_name="blue"))
    with pytest.raises(exceptions.ClientRequestException) as gone:
        client.show_secret_stage(ShowSecretStageRequest(secret_name=secret.name, stage_name="blue"))
    assert gone.value.status_code in (400, 404)


def test_scheduled_deletion_and_restore(client, secret):
    scheduled = client.delete_secret_for_schedule(DeleteSecretForScheduleRequest(
        secret_name=secret.name, body=DeleteSecretForScheduleRequestBody(recovery_window_in_days=7)))
    assert scheduled.secret.state == "PENDING_DELETE"
    with pytest.raises(exceptions.ClientRequestException):
        client.show_secret_version(ShowSecretVersionRequest(secret_name=secret.name, version_id="latest"))

    restored = client.restore_secret(RestoreSecretRequest(secret_name=secret.name))
    assert restored.secret.state == "ENABLED"
    latest = client.show_secret_version(ShowSecretVersionRequest(secret_name=secret.name, version_id="latest"))
    assert latest.version.secret_string == "two"


def test_tags_and_searches(client, secret):
    client.create_secret_tag(CreateSecretTagRequest(
        secret_id=secret.id, body=CreateSecretTagRequestBody(tag=TagItem(key="team", value="payments"))))
    client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(
        secret_id=secret.id, body=BatchCreateOrDeleteTagsRequestBody(
            action="create", tags=[TagItem(key="env", value="ci"), TagItem(key="tmp", value="x")])))
    client.delete_secret_tag(DeleteSecretTagRequest(secret_id=secret.id, key="tmp"))
    tags = client.list_secret_tags(ListSecretTagsRequest(secret_id=secret.id)).tags
    assert {(t.key, t.value) for t in tags} == {("team", "payments"), ("env", "ci")}

    project_tags = client.list_project_secrets_tags(ListProjectSecretsTagsRequest()).tags
    assert "payments" in {v for t in project_tags if t.key == "team" for v in t.values}

    found = client.list_resource_instances(ListResourceInstancesRequest(
        resource_instances="resource_instances", body=ListResourceInstancesRequestBody(
            action="filter", limit="10", tags=[Tag(key="team", values=["payments"])])))
    assert secret.name in {r.resource_name for r in found.resources}
    counted = client.list_resource_instances(ListResourceInstancesRequest(
        resource_instances="resource_instances", body=ListResourceInstancesRequestBody(
            action="count", tags=[Tag(key="team", values=["payments"])])))
    assert counted.total_count >= 1


def test_generate_random_password(client):
    password = client.generate_random_password(GenerateRandomPasswordRequest(
        body=CreatePasswordRequestBody(length=24, exclude_punctuation=True))).password
    assert len(password) == 24
    assert password.isalnum()
