"""Fixtures shared by the deployment tests (test_deploy.py, test_deploy_k8s.py)."""

import shutil

import pytest


@pytest.fixture(scope="session")
def kubectl() -> str:
    """kubectl, to render the kustomizations; the tests that need it skip where it is absent."""
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not installed; the manifests are still validated file by file")
    return path
