"""The Kubernetes design (docs/deploy.md): one namespace, bounded and hardened containers,
autoscaling, disruption budgets, zero-downtime rollouts, the network policies' communication
matrix both ways, and the canary and blue-green overlays, each rendered and schema-valid.

The matrix is computed from the NetworkPolicy objects themselves, as a CNI would apply them: a
call is allowed when a policy on the caller lets it out and a policy on the callee lets it in."""

import shutil
from pathlib import Path

import pytest

from shop.tests.test_deploy import (
    DEPLOY,
    containers,
    pod_spec,
    render,
    validate,
    with_pods,
)

NAMESPACE = "microservices"
OVERLAYS = ("production", "canary", "blue-green")
NAME = "app.kubernetes.io/name"
# Exactly one scheduler; the admin serves a few staff. PostgreSQL and Redis are StatefulSets.
NOT_AUTOSCALED = {"celery-beat", "admin"}

# docs/architecture.md's communication matrix: caller -> callees.
DESIGN = {
    "frontend": {
        "productcatalogservice", "currencyservice", "cartservice", "recommendationservice",
        "shippingservice", "checkoutservice", "adservice",
    },
    "checkoutservice": {
        "productcatalogservice", "cartservice", "currencyservice", "shippingservice",
        "emailservice", "paymentservice",
    },
    "recommendationservice": {"productcatalogservice"},
    "cartservice": {"redis"},
}  # fmt: skip
# The calls our code makes beyond the design (docs/deploy.md gives each one's reason).
CODE = {
    "frontend": {"redis", "postgres"},
    # The back office's own pods: the admin (refund and cancel: payment; resend: e-mail; the
    # sales dashboard: currency, the e-mail report) and the REST API (an order placed there
    # prices and charges in-process: catalog, cart, currency, shipping, payment).
    "admin": {
        "paymentservice",
        "emailservice",
        "currencyservice",
        "productcatalogservice",
        "cartservice",
        "shippingservice",
        "redis",
        "postgres",
    },
    "checkoutservice": {"redis", "postgres"},
    "recommendationservice": {"redis", "postgres"},
    "cartservice": {"productcatalogservice", "postgres"},
    "shippingservice": {"productcatalogservice", "postgres"},
    "emailservice": {"productcatalogservice", "redis", "postgres"},
    "adservice": {"productcatalogservice", "redis", "postgres"},
    "currencyservice": {"redis", "postgres"},
    "productcatalogservice": {"postgres"},
    "paymentservice": {"postgres"},
    "celery-worker": {
        "productcatalogservice",
        "emailservice",
        "paymentservice",
        "redis",
        "postgres",
    },
    "celery-beat": {"redis", "postgres"},
    "migrate": {"postgres"},
    "backup": {"redis", "postgres"},
}
EXPECTED = {
    (caller, callee)
    for table in (DESIGN, CODE)
    for caller, callees in table.items()
    for callee in callees
}


def quantity(value: str) -> float:
    """A Kubernetes quantity in base units: "250m" CPU is 0.25, "96Mi" is 96 * 2**20 bytes."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if str(value).endswith(suffix):
            return float(str(value)[: -len(suffix)]) * factor
    return float(value)


def pod_labels(resource: dict) -> dict[str, str]:
    return resource["spec"]["template"]["metadata"]["labels"]


def pod_templates(resources: list[dict]) -> list[dict]:
    """Every pod template, a CronJob's (inside its jobTemplate) included, as {"spec": ...}."""
    cronjobs = [r["spec"]["jobTemplate"] for r in resources if r["kind"] == "CronJob"]
    return with_pods(resources) + with_pods(cronjobs)


def matches(selector: dict, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and `In` expressions, all our manifests use)."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    return all(
        expression["operator"] == "In" and labels.get(expression["key"]) in expression["values"]
        for expression in selector.get("matchExpressions", [])
    )


def admits(policy: dict, direction: str, peer_labels: dict[str, str], port: int) -> bool:
    """Whether one of the policy's rules lets a pod of this namespace with `peer_labels` through
    on `port` ("ingress": from it; "egress": to it)."""
    side = "from" if direction == "ingress" else "to"
    for rule in policy["spec"].get(direction, []):
        ports = [p["port"] for p in rule.get("ports", [])]
        if ports and port not in ports:
            continue
        for peer in rule.get(side, []):
            in_namespace = "namespaceSelector" not in peer and "ipBlock" not in peer
            if in_namespace and matches(peer["podSelector"], peer_labels):
                return True
    return False


def allowed(policies, caller: dict[str, str], callee: dict[str, str], port: int) -> bool:
    def through(direction, selected, peer):
        kind = direction.capitalize()
        return any(
            admits(policy, direction, peer, port)
            for policy in policies
            if kind in policy["spec"]["policyTypes"]
            and matches(policy["spec"]["podSelector"], selected)
        )

    return through("egress", caller, callee) and through("ingress", callee, caller)


def network_matrix(resources: list[dict]) -> set[tuple[str, str]]:
    """(caller, callee) for every pod pair the policies let through on a port the callee
    serves."""
    policies = [r for r in resources if r["kind"] == "NetworkPolicy"]
    pods = {pod_labels(r)[NAME]: r for r in pod_templates(resources)}
    pairs = set()
    for caller, caller_pod in pods.items():
        for callee, callee_pod in pods.items():
            ports = [
                port["containerPort"]
                for container in pod_spec(callee_pod)["containers"]
                for port in container.get("ports", [])
            ]
            if any(
                allowed(policies, pod_labels(caller_pod), pod_labels(callee_pod), port)
                for port in ports
            ):
                pairs.add((caller, callee))
    return pairs


@pytest.fixture(scope="module")
def rendered(kubectl, tmp_path_factory) -> dict[str, list[dict]]:
    """Every overlay rendered, in a copy of deploy/k8s with the example secrets file."""
    tree = tmp_path_factory.mktemp("deploy") / "k8s"
    shutil.copytree(DEPLOY / "k8s", tree, ignore=shutil.ignore_patterns("secrets.env"))
    production = tree / "overlays" / "production"
    shutil.copy(production / "secrets.env.example", production / "secrets.env")
    return {overlay: render(kubectl, tree / "overlays" / overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="module")
def base_rendered(kubectl) -> list[dict]:
    return render(kubectl, DEPLOY / "k8s" / "base")


def by_kind(resources: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def test_the_network_policies_allow_exactly_the_communication_matrix(base_rendered):
    allowed_pairs = network_matrix(base_rendered)
    assert allowed_pairs - EXPECTED == set(), "allowed beyond the matrix"
    assert EXPECTED - allowed_pairs == set(), "the matrix needs these"
    # Both ways: a call is allowed, its reverse is not.
    assert ("checkoutservice", "paymentservice") in allowed_pairs
    assert ("paymentservice", "checkoutservice") not in allowed_pairs
    assert ("frontend", "checkoutservice") in allowed_pairs
    assert ("checkoutservice", "frontend") not in allowed_pairs
    # The payment service is reached only by checkout, the admin's staff actions and the worker's
    # voids: never by the frontend (the design), nor is the e-mail service.
    callers = {caller for caller, callee in allowed_pairs if callee == "paymentservice"}
    assert callers == {"checkoutservice", "admin", "celery-worker"}
    assert ("frontend", "paymentservice") not in allowed_pairs
    assert ("frontend", "emailservice") not in allowed_pairs
    # The backups reach the stores they copy, and nothing else.
    assert {callee for caller, callee in allowed_pairs if caller == "backup"} == {
        "redis",
        "postgres",
    }
    # Redis only from what uses it (carts, caches, the Celery broker): never shipping or payment.
    assert ("shippingservice", "redis") not in allowed_pairs
    assert ("paymentservice", "redis") not in allowed_pairs
    # Nothing in the namespace calls the frontend or the admin.
    assert not {caller for caller, callee in allowed_pairs if callee in ("frontend", "admin")}


def test_everything_else_is_denied_and_only_the_ingress_controller_reaches_the_web(
    base_rendered,
):
    policies = by_kind(base_rendered, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    outside = {}  # policy -> its peers from other namespaces or addresses
    for name, policy in policies.items():
        for direction, side in (("ingress", "from"), ("egress", "to")):
            for rule in policy["spec"].get(direction, []):
                peers = [p for p in rule[side] if "namespaceSelector" in p or "ipBlock" in p]
                if peers:
                    outside[name] = (peers, [p["port"] for p in rule["ports"]])
    assert set(outside) == {
        "allow-dns",
        "frontend-ingress",
        "admin-ingress",
        "allow-prometheus-metrics",
        "allow-prometheus-frontend",
        "celery-worker-egress-internet",
    }
    for web in ("frontend-ingress", "admin-ingress"):
        peers, ports = outside[web]
        assert [p["podSelector"]["matchLabels"][NAME] for p in peers] == ["ingress-nginx"]
        assert ports == [8080]
    assert outside["allow-dns"][1] == [53, 53]
    assert outside["allow-prometheus-metrics"][1] == [9464]
    assert policies["celery-worker-egress-internet"]["spec"]["podSelector"] == {
        "matchLabels": {NAME: "celery-worker"}
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_valid_resources_in_the_namespace(rendered, overlay):
    resources = rendered[overlay]
    for resource in resources:
        validate(resource, f"kubectl kustomize overlays/{overlay}")
        if resource["kind"] == "Namespace":
            assert resource["metadata"]["name"] == NAMESPACE
        else:
            assert resource["metadata"]["namespace"] == NAMESPACE, resource["metadata"]["name"]
    assert len(by_kind(resources, "Namespace")) == 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_bounded_hardened_and_probed(rendered, overlay):
    for resource in with_pods(rendered[overlay]):
        where = f"{resource['metadata']['name']}"
        assert pod_spec(resource)["securityContext"]["runAsNonRoot"] is True, where
        for container in containers(resource):
            requests, limits = container["resources"]["requests"], container["resources"]["limits"]
            assert 0.1 <= quantity(requests["cpu"]) <= 0.3, where
            assert 64 * 2**20 <= quantity(requests["memory"]) <= 256 * 2**20, where
            assert quantity(limits["cpu"]) >= quantity(requests["cpu"]), where
            assert quantity(limits["memory"]) >= quantity(requests["memory"]), where
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
        if resource["kind"] != "Job":
            for container in pod_spec(resource)["containers"]:
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    assert probe in container, f"{where} has no {probe}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_stateless_deployments_autoscale_roll_without_downtime_and_spread(rendered, overlay):
    resources = rendered[overlay]
    deployments = by_kind(resources, "Deployment")
    autoscalers = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa["spec"]
        for hpa in by_kind(resources, "HorizontalPodAutoscaler").values()
    }
    stateless = set(deployments) - NOT_AUTOSCALED
    assert set(autoscalers) == stateless
    for name in stateless:
        deployment, hpa = deployments[name], autoscalers[name]
        assert hpa["maxReplicas"] == 10, name
        # Never below what the overlay runs (production raises the minimum).
        assert hpa["minReplicas"] == deployment["spec"].get("replicas", 1), name
        (metric,) = hpa["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 70}
        assert deployment["spec"]["strategy"] == {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
        }, name
        (term,) = pod_spec(deployment)["affinity"]["podAntiAffinity"][
            "preferredDuringSchedulingIgnoredDuringExecution"
        ]
        assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
        assert matches(term["podAffinityTerm"]["labelSelector"], pod_labels(deployment)), name
    for statefulset in by_kind(resources, "StatefulSet"):
        assert statefulset not in autoscalers


def test_the_base_autoscales_from_one_to_ten(base_rendered):
    for hpa in by_kind(base_rendered, "HorizontalPodAutoscaler").values():
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (1, 10)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_replicated_deployment_has_a_disruption_budget(rendered, overlay):
    resources = rendered[overlay]
    budgets = by_kind(resources, "PodDisruptionBudget").values()
    replicated = [d for d in by_kind(resources, "Deployment").values() if d["spec"]["replicas"] > 1]
    assert replicated
    for deployment in replicated:
        covering = [b for b in budgets if matches(b["spec"]["selector"], pod_labels(deployment))]
        assert len(covering) == 1, deployment["metadata"]["name"]
        assert covering[0]["spec"]["maxUnavailable"] == 1


def selected_deployments(resources: list[dict], service: dict) -> set[str]:
    return {
        name
        for name, deployment in by_kind(resources, "Deployment").items()
        if matches({"matchLabels": service["spec"]["selector"]}, pod_labels(deployment))
    }


def test_the_canary_overlay_weighs_a_second_frontend_in(rendered):
    resources = rendered["canary"]
    services, ingresses = by_kind(resources, "Service"), by_kind(resources, "Ingress")
    assert selected_deployments(resources, services["frontend"]) == {"frontend"}
    assert selected_deployments(resources, services["frontend-canary"]) == {"frontend-canary"}
    canary = ingresses["frontend-canary"]
    annotations = canary["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/canary"] == "true"
    assert 0 <= int(annotations["nginx.ingress.kubernetes.io/canary-weight"]) <= 100
    (rule,) = canary["spec"]["rules"]
    assert rule["host"] == ingresses["frontend"]["spec"]["rules"][0]["host"]
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "frontend-canary"
    # The canary runs another image, and is the frontend for the network policies.
    deployments = by_kind(resources, "Deployment")
    images = {
        name: pod_spec(deployments[name])["containers"][0]["image"]
        for name in ("frontend", "frontend-canary")
    }
    assert images["frontend"] != images["frontend-canary"]
    assert pod_labels(deployments["frontend-canary"])[NAME] == "frontend"


def test_the_blue_green_overlay_switches_the_frontend_service(rendered):
    resources = rendered["blue-green"]
    deployments = by_kind(resources, "Deployment")
    assert {"frontend-blue", "frontend-green"} <= set(deployments)
    assert "frontend" not in deployments
    assert selected_deployments(resources, by_kind(resources, "Service")["frontend"]) == {
        "frontend-blue"
    }
    blue, green = deployments["frontend-blue"], deployments["frontend-green"]
    assert blue["spec"]["replicas"] == green["spec"]["replicas"]
    assert pod_spec(blue)["containers"][0]["image"] != pod_spec(green)["containers"][0]["image"]
    assert pod_labels(green)[NAME] == pod_labels(blue)[NAME] == "frontend"


def test_the_release_commands_are_documented():
    guide = (Path(DEPLOY).parent / "docs" / "deploy.md").read_text()
    for heading in ("### Canary", "### Blue-green", "GRPC_MAX_CONNECTION_AGE_SECONDS"):
        assert heading in guide, heading
