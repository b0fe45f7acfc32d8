"""Events and notification records through the vendor's Python SDK, against csmsmock: an
application creates an event, subscribes a secret to it, and reads the records of what
happened to the secret. The mock sends no notification; the records are what it keeps."""

import json
import time

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcsms.v1 import (
    CreateSecretEventRequest, CreateSecretEventRequestBody, CreateSecretRequest,
    CreateSecretRequestBody, CreateSecretVersionRequest, CreateSecretVersionRequestBody,
    DeleteSecretEventRequest, DeleteSecretForScheduleRequest, DeleteSecretForScheduleRequestBody,
    DeleteSecretRequest, ListNotificationRecordsRequest, ListSecretEventsRequest, Notification,
    ShowSecretEventRequest, UpdateSecretEventRequest, UpdateSecretEventRequestBody,
    UpdateSecretRequest, UpdateSecretRequestBody, UpdateVersionRequest, UpdateVersionRequestBody)

from conftest import DEMO_AK, DEMO_SK
from test_sdk import app_client

TOPIC = Notification(target_type="SMN", target_id="urn:smn:cn-north-4:0a1b2c3d:py-alerts",
                     target_name="py-alerts")


def create_event(client, name, state, types):
    return client.create_secret_event(CreateSecretEventRequest(body=CreateSecretEventRequestBody(
        name=name, event_types=types, state=state, notification=TOPIC))).event


def records_of(client, secret):
    res = client.list_notification_records(ListNotificationRecordsRequest())
    assert res.page_info.current_count == len(res.records)
    return [r for r in res.records if r.secret_name == secret]


def test_events(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    created = create_event(client, "py-alerts", "ENABLED", ["SECRET_VERSION_CREATED", "SECRET_DELETED"])
    assert created.name == "py-alerts"
    assert created.state == "ENABLED"
    assert created.event_types == ["SECRET_VERSION_CREATED", "SECRET_DELETED"]
    assert created.notification.target_id == TOPIC.target_id
    assert created.event_id

    shown = client.show_secret_event(ShowSecretEventRequest(event_name="py-alerts")).event
    assert shown.event_id == created.event_id

    updated = client.update_secret_event(UpdateSecretEventRequest(
        event_name="py-alerts", body=UpdateSecretEventRequestBody(state="DISABLED"))).event
    assert updated.state == "DISABLED"
    assert updated.event_types == created.event_types

    for name in ["py-b", "py-c"]:
        create_event(client, name, "ENABLED", ["SECRET_ROTATED"])
    first = client.list_secret_events(ListSecretEventsRequest(limit="2"))
    assert [e.name for e in first.events] == ["py-alerts", "py-b"]
    assert first.page_info.next_marker == "py-b"
    rest = client.list_secret_events(ListSecretEventsRequest(limit="2", marker=first.page_info.next_marker))
    assert [e.name for e in rest.events] == ["py-c"]
    assert rest.page_info.next_marker is None

    with pytest.raises(exceptions.ClientRequestException) as taken:
        create_event(client, "py-b", "ENABLED", ["SECRET_DELETED"])
    assert taken.value.status_code == 400

    for name in ["py-b", "py-c"]:
        client.delete_secret_event(DeleteSecretEventRequest(event_name=name))
    with pytest.raises(exceptions.ClientRequestException) as gone:
        client.show_secret_event(ShowSecretEventRequest(event_name="py-c"))
    assert gone.value.status_code == 400
    assert gone.value.error_code == "CSMS.0005"

    client.update_secret_event(UpdateSecretEventRequest(
        event_name="py-alerts", body=UpdateSecretEventRequestBody(
            state="ENABLED",
            event_types=["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_DELETED"])))


def test_records(mock):
    client = app_client(DEMO_AK, DEMO_SK)
    create_event(client, "py-records", "ENABLED",
                 ["SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED", "SECRET_DELETED"])
    name = "py-subscribed"
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name=name, secret_string="py-never-in-a-record", event_subscriptions=["py-records"])))
    client.create_secret_version(CreateSecretVersionRequest(
        secret_name=name, body=CreateSecretVersionRequestBody(secret_string="py-never-in-a-record")))
    # An expiry time the clock has passed already (in seconds, as the pages give it).
    client.update_version(UpdateVersionRequest(
        secret_name=name, version_id="v1", body=UpdateVersionRequestBody(expire_time=int(time.time()) - 1)))
    client.delete_secret_for_schedule(DeleteSecretForScheduleRequest(
        secret_name=name, body=DeleteSecretForScheduleRequestBody(recovery_window_in_days=7)))

    records = records_of(client, name)
    kinds = sorted(r.trigger_event_type for r in records)
    assert kinds == ["SECRET_DELETED", "SECRET_VERSION_CREATED", "SECRET_VERSION_CREATED",
                     "SECRET_VERSION_EXPIRED"]
    for r in records:
        assert r.event_name == "py-records"
        assert r.secret_type == "COMMON"
        assert r.notification_target_id == TOPIC.target_id
        assert r.notification_status == "SUCCESS"
        assert "py-never-in-a-record" not in r.notification_content
        assert json.loads(r.notification_content)["secret_name"] == name
    # The expiry is recorded once, however often the records are read.
    assert len(records_of(client, name)) == 4

    # The journal names the records each request made, never a value.
    journal = mock.journal()
    made = [n for e in journal for n in e.get("notifications", [])
            if n["secret"] == name]
    assert sorted(n["type"] for n in made) == ["SECRET_DELETED", "SECRET_VERSION_CREATED",
                                               "SECRET_VERSION_CREATED"]
    assert all(n["event"] == "py-records" and n["target_id"] == TOPIC.target_id for n in made)
    assert "py-never-in-a-record" not in json.dumps(made)

    # An event a secret subscribes to is not deleted.
    client.delete_secret(DeleteSecretRequest(secret_name=name))
    client.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
        name=name, secret_string="v", event_subscriptions=["py-records"])))
    with pytest.raises(exceptions.ClientRequestException) as in_use:
        client.delete_secret_event(DeleteSecretEventRequest(event_name="py-records"))
    assert in_use.value.status_code == 400
    client.update_secret(UpdateSecretRequest(secret_name=name, body=UpdateSecretRequestBody(event_subscriptions=[])))
    client.delete_secret_event(DeleteSecretEventRequest(event_name="py-records"))
    client.delete_secret(DeleteSecretRequest(secret_name=name))
