"""pytest fixture for csmsmock, registered by the package's pytest11 entry point: a test that
names ``csmsmock`` gets a mock started once for the session, with the demo identity, from the
image CSMSMOCK_IMAGE names (csmskit/csmsmock:dev by default).

Without a Docker daemon the tests that use it are skipped, or fail where CI is set."""

import os

import docker.errors
import pytest
from testcontainers.core.docker_client import DockerClient

from csmskit_testcontainers.container import DEFAULT_IMAGE, CsmsMockContainer


def image() -> str:
    """The image to start: CSMSMOCK_IMAGE, or the default."""
    return os.environ.get("CSMSMOCK_IMAGE") or DEFAULT_IMAGE


def require_docker() -> None:
    """Skips the calling test when no Docker daemon answers; fails it instead where CI is set,
    since CI must run it."""
    try:
        client = DockerClient().client  # finds the daemon as testcontainers does
        try:
            client.ping()
        finally:
            client.close()
    except docker.errors.DockerException as e:
        if os.environ.get("CI"):
            pytest.fail(f"no Docker daemon: {e}")
        pytest.skip(f"no Docker daemon: {e}")


@pytest.fixture(scope="session")
def csmsmock():
    """A running CsmsMockContainer for the session, stopped at its end."""
    require_docker()
    with CsmsMockContainer(image()) as mock:
        yield mock
