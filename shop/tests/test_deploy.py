"""The deployment files (deploy/): every service of the seam table runs in Kubernetes and in docker
compose on its port, wired to the others, with probes and limits, and no secret is committed.

The manifests are checked file by file against the Kubernetes API schemas (kubernetes-validate), so
these tests need no kubectl; where kubectl is installed, the kustomizations are rendered too."""

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

from shop import health
from shop.observability import readiness
from shop.rpc.server import LIVENESS, service_modules

DEPLOY = Path(settings.BASE_DIR) / "deploy"
BASE = DEPLOY / "k8s" / "base"
PRODUCTION = DEPLOY / "k8s" / "overlays" / "production"
# The oldest Kubernetes still commonly run and the newest the schemas know.
K8S_VERSIONS = ("1.29.0", "1.37.0")
IMAGE = "boutique:local"
CONFIG, SECRET = "boutique-config", "boutique-secrets"
# Inside a container the server must listen on the pod's (or container's) address.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104

# docs/architecture.md, "The service seam": app -> (address variable, Service name, port).
SERVICES = {
    "catalog": ("PRODUCT_CATALOG_SERVICE_ADDR", "productcatalogservice", 3550),
    "cart": ("CART_SERVICE_ADDR", "cartservice", 7070),
    "currency": ("CURRENCY_SERVICE_ADDR", "currencyservice", 7000),
    "payments": ("PAYMENT_SERVICE_ADDR", "paymentservice", 50051),
    "shipping": ("SHIPPING_SERVICE_ADDR", "shippingservice", 50051),
    "notifications": ("EMAIL_SERVICE_ADDR", "emailservice", 5000),
    "checkout": ("CHECKOUT_SERVICE_ADDR", "checkoutservice", 5050),
    "recommendations": ("RECOMMENDATION_SERVICE_ADDR", "recommendationservice", 8080),
    "ads": ("AD_SERVICE_ADDR", "adservice", 9555),
}


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(directory: Path) -> dict:
    return yaml.safe_load((directory / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def base() -> dict[tuple[str, str], dict]:
    """(kind, name) -> resource, from every file the base kustomization lists."""
    resources = {}
    for name in kustomization(BASE)["resources"]:
        for doc in documents(BASE / name):
            key = (doc["kind"], doc["metadata"]["name"])
            assert key not in resources, f"{key} defined twice"
            resources[key] = doc
    return resources


def grpcserve(app: str, port: int) -> list[str]:
    return ["python", "manage.py", "grpcserve", app, "--port", str(port), "--host", ALL_INTERFACES]


def with_pods(resources) -> list[dict]:
    return [resource for resource in resources if "template" in resource.get("spec", {})]


def pod_spec(resource: dict) -> dict:
    return resource["spec"]["template"]["spec"]


def containers(resource: dict) -> list[dict]:
    spec = pod_spec(resource)
    return spec.get("initContainers", []) + spec["containers"]


def main_container(resource: dict) -> dict:
    return pod_spec(resource)["containers"][0]


def environment(container: dict, base: dict) -> dict[str, str]:
    """The container's variables with literal values: its ConfigMaps, then its own `env`."""
    env = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(base[("ConfigMap", source["configMapRef"]["name"])]["data"])
    env.update({var["name"]: var["value"] for var in container.get("env", []) if "value" in var})
    return env


def service_for(base: dict, deployment: dict) -> dict:
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    matching = [
        resource
        for (kind, _), resource in base.items()
        if kind == "Service" and resource["spec"]["selector"].items() <= labels.items()
    ]
    assert len(matching) == 1, f"{deployment['metadata']['name']}: {len(matching)} Services"
    return matching[0]


def validate(resource: dict, where: str) -> None:
    for version in K8S_VERSIONS:
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            pytest.fail(
                f"{where}: {resource['kind']} {resource['metadata']['name']} is invalid "
                f"for Kubernetes {version} at {path}: {error.message}"
            )


def test_the_base_kustomization_lists_every_manifest_file():
    files = {path.name for path in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization(BASE)["resources"]) == files


@pytest.mark.parametrize(
    "path",
    sorted(BASE.glob("*.yaml")),
    ids=lambda path: path.name,
)
def test_manifests_are_valid_kubernetes_resources(path):
    if path.name == "kustomization.yaml":
        return  # not a Kubernetes resource; the test above checks what it lists
    for resource in documents(path):
        validate(resource, path.name)


@pytest.mark.parametrize("app", SERVICES)
def test_every_grpc_service_runs_on_its_port_with_grpc_probes(base, app):
    _, name, port = SERVICES[app]
    deployment = base[("Deployment", name)]
    server = main_container(deployment)
    assert server["command"] == grpcserve(app, port)
    assert [p["containerPort"] for p in server["ports"]] == [port]
    # Started and ready: the service answers SERVING, which it does only while its own
    # dependencies answer; alive: the name that stays SERVING whatever they do.
    for probe in ("startupProbe", "readinessProbe"):
        assert server[probe]["grpc"] == {
            "port": port,
            "service": service_modules()[app].SERVICE_NAMES[0],
        }, probe
    assert server["livenessProbe"]["grpc"] == {"port": port, "service": LIVENESS}
    service = service_for(base, deployment)
    assert service["metadata"]["name"] == name
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(port, port)]


def test_the_frontend_serves_http_behind_a_service_and_the_ingress(base):
    deployment = base[("Deployment", "frontend")]
    server = main_container(deployment)
    assert [p["containerPort"] for p in server["ports"]] == [8080]
    allowed_hosts = environment(server, base)["ALLOWED_HOSTS"].split(",")
    # Started and ready while the dependencies answer (/readyz); alive whatever they do.
    views = {"/readyz": readiness.readyz, "/_healthz": health.healthz}
    paths = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/_healthz"}
    for probe, path in paths.items():
        check = server[probe]["httpGet"]
        assert (check["path"], check["port"]) == (path, 8080)
        assert resolve(path).func is views[path]
        # Django refuses a Host outside ALLOWED_HOSTS, and the kubelet would send the pod's IP.
        (host,) = [h["value"] for h in check["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed_hosts
        # The kubelet speaks plain HTTP to the pod: no redirect to HTTPS.
        assert any(re.match(exempt, path[1:]) for exempt in settings.SECURE_REDIRECT_EXEMPT)
    # /readyz answers within READINESS_TIMEOUT_SECONDS, a hung dependency included.
    for probe in ("startupProbe", "readinessProbe"):
        assert server[probe]["timeoutSeconds"] > settings.READINESS_TIMEOUT_SECONDS
    service = service_for(base, deployment)
    assert service["metadata"]["name"] == "frontend"
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == 8080
    ingress = base[("Ingress", "frontend")]
    backends = {
        path["path"]: path["backend"]["service"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    # The back office (admin and REST API) in its own pods: the only ones the network lets call
    # payment and e-mail.
    assert backends == {
        "/admin/": {"name": "admin", "port": {"number": port["port"]}},
        "/api/": {"name": "admin", "port": {"number": port["port"]}},
        "/": {"name": "frontend", "port": {"number": port["port"]}},
    }
    admin = base[("Deployment", "admin")]
    assert service_for(base, admin)["metadata"]["name"] == "admin"
    for key in ("startupProbe", "readinessProbe", "livenessProbe", "resources", "securityContext"):
        assert main_container(admin)[key] == server[key], key
    assert {rule["host"] for rule in ingress["spec"]["rules"]} <= set(allowed_hosts)


def test_the_frontend_calls_every_service_at_its_kubernetes_service(base):
    env = environment(main_container(base[("Deployment", "frontend")]), base)
    for app, (variable, name, port) in SERVICES.items():
        assert env[variable] == f"{name}:{port}", variable
        service = base[("Service", name)]
        assert port in [p["port"] for p in service["spec"]["ports"]]
        # ...and that Service leads to the pods serving this app.
        selector = service["spec"]["selector"].items()
        (deployment,) = [
            resource
            for (kind, _), resource in base.items()
            if kind == "Deployment"
            and selector <= resource["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert main_container(deployment)["command"][3] == app


def test_every_shop_process_reads_the_config_and_the_secret(base):
    shop_containers = [
        c for r in with_pods(base.values()) for c in containers(r) if c["image"] == IMAGE
    ]
    # frontend, admin, nine services, worker, beat (each with its init container), the migrate Job.
    assert len(shop_containers) == 2 * (2 + len(SERVICES) + 2) + 1
    for container in shop_containers:
        assert container["envFrom"] == [
            {"configMapRef": {"name": CONFIG}},
            {"secretRef": {"name": SECRET}},
        ]


def test_every_pod_runs_as_non_root_on_a_read_only_root_with_bounded_resources(base):
    pods = with_pods(base.values())
    assert {r["kind"] for r in pods} == {"Deployment", "StatefulSet", "Job"}
    for resource in pods:
        where = f"{resource['kind']} {resource['metadata']['name']}"
        spec = pod_spec(resource)
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["automountServiceAccountToken"] is False, where
        for container in containers(resource):
            assert container["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, where
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, where


def test_every_long_running_container_has_startup_readiness_and_liveness_probes(base):
    """A Job runs to completion and an init container before the others: neither is probed."""
    long_running = [r for r in with_pods(base.values()) if r["kind"] != "Job"]
    # stores, frontend and admin, services, Celery
    assert len(long_running) == 2 + 2 + len(SERVICES) + 2
    for resource in long_running:
        for container in pod_spec(resource)["containers"]:
            where = f"{resource['metadata']['name']}/{container['name']}"
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert probe in container, f"{where} has no {probe}"


def test_the_migrate_job_and_the_celery_processes(base):
    job = base[("Job", "migrate")]
    assert main_container(job)["command"] == ["python", "manage.py", "migrate", "--no-input"]
    worker = main_container(base[("Deployment", "celery-worker")])
    assert worker["command"][:4] == ["celery", "-A", "shop", "worker"]
    beat = base[("Deployment", "celery-beat")]
    # --quiet: beat's banner would be plain text among its JSON log lines.
    assert main_container(beat)["command"][:5] == ["celery", "-A", "shop", "--quiet", "beat"]
    # Two schedulers would run every periodic task twice.
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}


def test_no_secret_value_is_committed(base):
    assert not [key for key in base if key[0] == "Secret"]
    referenced = {
        ref["name"]
        for resource in with_pods(base.values())
        for container in containers(resource)
        for ref in [s["secretRef"] for s in container.get("envFrom", []) if "secretRef" in s]
        + [
            var["valueFrom"]["secretKeyRef"]
            for var in container.get("env", [])
            if "secretKeyRef" in var.get("valueFrom", {})
        ]
    }
    assert referenced == {SECRET}
    (generator,) = kustomization(PRODUCTION)["secretGenerator"]
    assert generator["name"] == SECRET
    assert "literals" not in generator
    for env_file in generator["envs"]:
        ignored = subprocess.run(
            ["git", "check-ignore", "--quiet", str(PRODUCTION / env_file)],
            cwd=settings.BASE_DIR,
            check=False,
        )
        assert ignored.returncode == 0, f"{env_file} is not gitignored"
    example = PRODUCTION / "secrets.env.example"
    keys = {line.split("=")[0] for line in example.read_text().splitlines() if "=" in line}
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "POSTGRES_PASSWORD"} <= keys


def test_docker_compose_runs_every_service_wired_like_kubernetes(base):
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    apps = {name: app for app, (_, name, _) in SERVICES.items()}
    expected = {"postgres", "redis", "migrate", "frontend", "celery-worker", "celery-beat"}
    assert set(services) == expected | set(apps)
    config = base[("ConfigMap", CONFIG)]["data"]
    for name, app in apps.items():
        variable, _, port = SERVICES[app]
        assert services[name]["command"] == grpcserve(app, port)
        assert services["frontend"]["environment"][variable] == config[variable]
    assert services["migrate"]["command"][-1].startswith("python manage.py migrate --no-input")
    # Secrets are interpolated from an env file at `docker compose up`, never written here.
    for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert "${" in services["frontend"]["environment"][variable], variable
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


def test_redis_persists_with_the_append_only_file_and_rdb_snapshots(base):
    """Carts live in Redis: both runs keep an append-only file and RDB snapshots on a volume."""
    redis = base[("StatefulSet", "redis")]
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]["redis"]
    for where, args in (("k8s", main_container(redis)["args"]), ("compose", compose["command"])):
        assert args[args.index("--appendonly") + 1] == "yes", where
        rules = args[args.index("--save") + 1].split()
        assert rules and len(rules) % 2 == 0 and all(rule.isdigit() for rule in rules), where
    data_dir = main_container(redis)["args"][main_container(redis)["args"].index("--dir") + 1]
    mounts = {m["mountPath"]: m["name"] for m in main_container(redis)["volumeMounts"]}
    assert [claim["metadata"]["name"] for claim in redis["spec"]["volumeClaimTemplates"]] == [
        mounts[data_dir]
    ]
    assert any(volume.endswith(":/data") for volume in compose["volumes"])  # the image's --dir


def test_a_cronjob_backs_up_into_a_persistent_volume(base):
    cronjob = base[("CronJob", "backup")]
    assert len(cronjob["spec"]["schedule"].split()) == 5
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"  # two backups never overlap
    spec = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    assert container["image"] == IMAGE
    script = container["command"][-1]
    output = re.search(r"python manage\.py backup --output (\S+)", script).group(1)
    assert "backup" in get_commands() and "restore" in get_commands()
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in spec["volumes"]}
    claim = volumes[mounts[output]]["persistentVolumeClaim"]["claimName"]
    assert ("PersistentVolumeClaim", claim) in base
    # Old backups are pruned on that volume, and only backups.
    assert re.search(rf"find {output} .*-name 'boutique-\*' -mtime \+\d+", script)
    # It reaches the database and Redis like every shop process, and runs as they do.
    assert container["envFrom"] == [
        {"configMapRef": {"name": CONFIG}},
        {"secretRef": {"name": SECRET}},
    ]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsGroup"]
    assert spec["automountServiceAccountToken"] is False
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}


@pytest.fixture(scope="module")
def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not installed; the manifests are still validated file by file")
    return path


def render(kubectl: str, directory: Path) -> list[dict]:
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_the_base_renders_to_valid_resources(kubectl, base):
    rendered = render(kubectl, BASE)
    for resource in rendered:
        validate(resource, "kubectl kustomize base")
        assert resource["metadata"]["labels"]["app.kubernetes.io/part-of"] == "boutique"
    assert {(r["kind"], r["metadata"]["name"]) for r in rendered} == set(base)


def test_the_production_overlay_renders_with_a_generated_secret(kubectl, tmp_path):
    tree = tmp_path / "k8s"
    shutil.copytree(DEPLOY / "k8s", tree, ignore=shutil.ignore_patterns("secrets.env"))
    overlay = tree / "overlays" / "production"
    shutil.copy(overlay / "secrets.env.example", overlay / "secrets.env")
    rendered = render(kubectl, overlay)
    for resource in rendered:
        validate(resource, "kubectl kustomize overlays/production")
    (secret,) = [r for r in rendered if r["kind"] == "Secret"]
    generated = secret["metadata"]["name"]
    assert generated.startswith(f"{SECRET}-")
    text = yaml.safe_dump_all(rendered)
    assert f"name: {SECRET}\n" not in text  # every reference follows the generated name
    assert text.count(f"name: {generated}\n") > len(SERVICES)
    images = {container["image"] for r in with_pods(rendered) for container in containers(r)}
    assert IMAGE not in images
