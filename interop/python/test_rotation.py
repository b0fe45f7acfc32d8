"""Rotation through the vendor's Python SDK, as an application calls it: RotateSecret on a
database secret, the task ListSecretTask lists, the new version as "latest", and the rotation
the mock runs on its own when its clock passes the secret's next rotation time."""

import json

import pytest
import requests
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretRequest, CreateSecretRequestBody, ListSecretTaskRequest, RotateSecretRequest,
    ShowSecretRequest, ShowSecretVersionRequest)

from conftest import DEMO_AK, DEMO_SK
from test_sdk import app_client


def move_clock(mock, body):
    """Moves the mock's clock (POST) or returns it to real time (DELETE, body None)."""
    if body is None:
        res = requests.delete(mock.url + "/__admin/clock", verify=mock.ca_file, timeout=10)
    else:
        res = requests.post(mock.url + "/__admin/clock", json=body, verify=mock.ca_file, timeout=10)
    res.raise_for_status()


def test_rotate_secret(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    name = "py-rds-rotated"
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name=name, secret_type="RDS-FG", secret_string=json.dumps({"username": "app", "password": "first"}))))

    rotated = client.rotate_secret(RotateSecretRequest(secret_name=name))
    assert (rotated.secret_name, rotated.version_id) == (name, "v2")
    assert rotated.rotation_task_id

    listed = client.list_secret_task(ListSecretTaskRequest(secret_name=name, status="SUCCESS", limit=10))
    assert listed.total == 1
    assert listed.next_marker is None
    task = listed.tasks[0]
    assert task.task_id == rotated.rotation_task_id
    assert (task.secret_name, task.task_status, task.operate_type, task.attempt_nums) == (name, "SUCCESS", "MANUAL", 1)
    assert task.task_time > 0
    assert task.task_error_code is None

    latest = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
    assert latest.version.version_metadata.id == "v2"
    assert latest.version.version_metadata.version_stages == ["SYSCURRENT"]
    value = json.loads(latest.version.secret_string)
    assert value["username"] == "app"
    assert value["password"] != "first" and len(value["password"]) == 32
    first = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="v1"))
    assert first.version.version_metadata.version_stages == ["SYSPREVIOUS"]

    shown = client.show_secret(ShowSecretRequest(secret_name=name))
    assert shown.secret.rotation_time == task.task_time
    assert mock.violations() == []


def test_rotate_secret_refusals(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(name="py-common", secret_string="v")))
    with pytest.raises(exceptions.ClientRequestException) as common:
        client.rotate_secret(RotateSecretRequest(secret_name="py-common"))
    assert (common.value.status_code, common.value.error_code) == (400, "CSMS.0003")
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.rotate_secret(RotateSecretRequest(secret_name="py-no-such-secret"))
    assert (missing.value.status_code, missing.value.error_code) == (404, "CSMS.0106")

    # A database secret whose value holds no password: refused, and a FAILED task says why.
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name="py-rds-plain", secret_type="GaussDB-FG", secret_string="hunter2")))
    with pytest.raises(exceptions.ClientRequestException) as plain:
        client.rotate_secret(RotateSecretRequest(secret_name="py-rds-plain"))
    assert (plain.value.status_code, plain.value.error_code) == (400, "CSMS.0002")
    failed = client.list_secret_task(ListSecretTaskRequest(secret_name="py-rds-plain"))
    assert [(t.task_status, t.task_error_code) for t in failed.tasks] == [("FAILED", "CSMS.0002")]

    with pytest.raises(exceptions.ClientRequestException) as both:
        client.list_secret_task(ListSecretTaskRequest(task_id=failed.tasks[0].task_id, secret_name="py-rds-plain"))
    assert (both.value.status_code, both.value.error_code) == (400, "CSMS.0002")


def test_automatic_rotation(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    name = "py-rds-auto"
    created = client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name=name, secret_type="RDS-FG", secret_string=json.dumps({"password": "p"}),
        auto_rotation=True, rotation_period="30d")))
    assert created.secret.next_rotation_time == created.secret.create_time + 30 * 24 * 3600 * 1000

    # The SDK signs with the real time, which the mock refuses once its clock has moved: the
    # clock goes back before the next call.
    move_clock(mock, {"advance": "721h"})
    move_clock(mock, None)

    tasks = client.list_secret_task(ListSecretTaskRequest(secret_name=name))
    assert [(t.task_status, t.operate_type) for t in tasks.tasks] == [("SUCCESS", "AUTOMATIC")]
    latest = client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
    assert latest.version.version_metadata.id == "v2"
    assert json.loads(latest.version.secret_string)["password"] != "p"

    # Paging: a page of one names the next page's marker, the last page none.
    client.rotate_secret(RotateSecretRequest(secret_name=name))
    page1 = client.list_secret_task(ListSecretTaskRequest(secret_name=name, limit=1))
    assert page1.total == 2 and len(page1.tasks) == 1
    assert page1.next_marker == page1.tasks[0].task_id
    page2 = client.list_secret_task(ListSecretTaskRequest(secret_name=name, limit=1, marker=page1.next_marker))
    assert len(page2.tasks) == 1 and page2.next_marker is None
    assert page2.tasks[0].task_id != page1.tasks[0].task_id
    assert mock.violations() == []
