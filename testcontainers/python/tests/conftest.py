"""Keeps testcontainers on this machine (CsmsMockContainer does the same, but the environment
says so for anything that reads it), and makes sure the image is here before a test starts it,
so that the daemon never tries to pull it."""

import os

os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
os.environ.setdefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")

import docker.errors  # noqa: E402
import pytest  # noqa: E402
from testcontainers.core.docker_client import DockerClient  # noqa: E402

from csmskit_testcontainers.pytest_plugin import image, require_docker  # noqa: E402


@pytest.fixture(scope="session")
def mock_image():
    """The image under test, once the daemon answers and has it."""
    require_docker()
    name = image()
    client = DockerClient().client
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        pytest.fail(f"image {name} is not here: build it from the repository's cmd/csmsmock and load it first")
    finally:
        client.close()
    return name


@pytest.fixture(scope="session")
def csmsmock(mock_image, csmsmock):
    """The plugin's session mock, started only once the image is known to be here."""
    return csmsmock
