"""The operator's kit (deploy/prometheus, deploy/grafana, the pods' scrape annotations) checked with
Debian's real Prometheus tools: the alert rules by `promtool check rules` and their unit tests by
`promtool test rules`; the scrape configuration by a real `prometheus` that scrapes the web, a
gRPC service and a Celery worker during a checkout (its Kubernetes discovery replaced by the
stack's loopback targets); the Grafana dashboard against the metrics the shop defines."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.conf import settings

from shop.observability import metrics
from testing.servers import free_port, wait_for_port
from testing.stack import checkout_stack

DEPLOY = Path(settings.BASE_DIR) / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
K8S = DEPLOY / "k8s" / "base"
JOBS = ("boutique-web", "boutique-services", "boutique-worker")


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed: `make test-system-deps` installs Debian's prometheus"
    return path


def promtool(*args: str, cwd: Path = PROMETHEUS_DIR) -> str:
    result = subprocess.run(
        [tool("promtool"), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def defined_metric_names() -> set[str]:
    """Every series name the shop exposes (with _total, _bucket... as Prometheus sees them)."""
    names = set()
    for collector in vars(metrics).values():
        if hasattr(collector, "describe") and hasattr(collector, "_name"):
            for family in collector.describe():
                names.update(
                    {family.name, f"{family.name}_total"}
                    if family.type == "counter"
                    else {family.name}
                )
                if family.type == "histogram":
                    names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count"))
    return names


def used_metric_names(expression: str) -> set[str]:
    return set(re.findall(r"\bboutique_[a-z0-9_]+", expression))


# --- rules, dashboard, manifests ---------------------------------------------------------------


def test_alert_rules_are_valid_and_their_unit_tests_pass():
    checked = promtool("check", "rules", "alerts.yml")
    assert "SUCCESS: 10 rules found" in checked
    tested = promtool("test", "rules", "alerts_test.yml")
    assert "SUCCESS" in tested


def test_every_alert_is_unit_tested_firing_and_refers_to_defined_metrics():
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    tests = yaml.safe_load((PROMETHEUS_DIR / "alerts_test.yml").read_text())["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    assert fired == set(alerts)
    known = defined_metric_names()
    for name, rule in alerts.items():
        assert used_metric_names(rule["expr"]) <= known, name
        assert rule["labels"]["severity"] in ("page", "ticket"), name


def test_the_dashboard_is_valid_json_using_only_defined_metrics():
    dashboard = json.loads((DEPLOY / "grafana" / "boutique.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    assert len(expressions) >= 20
    known = defined_metric_names()
    used = set()
    for expression in expressions:
        names = used_metric_names(expression)
        assert names or "up{" in expression, expression
        assert names <= known, (expression, names - known)
        used |= names
    # Traffic, latency and errors per service; orders, revenue, declines, abandonment.
    for name in ("boutique_http_requests_total", "boutique_grpc_server_handled_total",
                 "boutique_http_request_duration_seconds_bucket", "boutique_orders_placed_total",
                 "boutique_revenue_total", "boutique_payment_declines_total",
                 "boutique_carts_created_total", "boutique_carts_converted_total"):  # fmt: skip
        assert name in used, name


def test_every_shop_process_with_metrics_is_annotated_for_the_scrape():
    config = yaml.safe_load((K8S / "configmap.yaml").read_text())["data"]
    ports = {"frontend": "8080", "celery-worker": config["WORKER_METRICS_PORT"]}
    for path in K8S.glob("*service.yaml"):
        ports[path.stem] = config["METRICS_PORT"]
    assert len(ports) == 11  # the web, nine services and the worker
    assert config["METRICS_HOST"] == "0.0.0.0"  # noqa: S104 - the pod's address
    for name, port in ports.items():
        (deployment,) = [
            doc
            for doc in yaml.safe_load_all((K8S / f"{name}.yaml").read_text())
            if doc and doc["kind"] == "Deployment"
        ]
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": port,
            "prometheus.io/path": "/metrics",
        }, name


# --- the real thing ----------------------------------------------------------------------------


def loopback_config(folder: Path, targets: dict[str, str]) -> Path:
    """deploy/prometheus/prometheus.yml with each job's Kubernetes discovery replaced by a static
    loopback target, scraping and evaluating every second."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    assert [job["job_name"] for job in config["scrape_configs"]] == list(JOBS)
    config["global"] |= {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(PROMETHEUS_DIR / name) for name in config["rule_files"]]
    for job in config["scrape_configs"]:
        del job["kubernetes_sd_configs"], job["relabel_configs"]
        job["static_configs"] = [{"targets": [targets[job["job_name"]]]}]
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


class Prometheus:
    def __init__(self, config: Path, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "prometheus.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [tool("prometheus"), f"--config.file={config}",
                 f"--storage.tsdb.path={folder / 'tsdb'}",
                 f"--web.listen-address=127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for_port(self.port, timeout=30)
        # It listens before its storage is open: queries answer 503 until it is ready.
        deadline = time.monotonic() + 30
        while requests.get(f"{self.url}/-/ready", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.2)

    def query(self, promql: str) -> list[dict]:
        answer = requests.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=5)
        answer.raise_for_status()
        return answer.json()["data"]["result"]

    def wait_for(self, promql: str, check, timeout: float = 45.0) -> list[dict]:
        """The query's result once `check(result)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(promql)
            if check(result):
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"{promql} is still {result} after {timeout}s")
            time.sleep(0.5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def scalar(result: list[dict]) -> float | None:
    return float(result[0]["value"][1]) if result else None


@pytest.mark.slow
def test_prometheus_scrapes_the_web_a_grpc_service_and_a_worker_during_a_checkout(tmp_path):
    web_metrics, grpc_metrics, worker_metrics = tmp_path / "web-metrics", free_port(), free_port()
    with checkout_stack(
        tmp_path,
        process_env={
            # gunicorn in multiprocess mode, as in the image; the worker too (prefork-ready).
            "web": {"PROMETHEUS_MULTIPROC_DIR": str(web_metrics)},
            "payments": {"METRICS_PORT": str(grpc_metrics)},
            "worker": {
                "WORKER_METRICS_PORT": str(worker_metrics),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "worker-metrics"),
            },
        },  # fmt: skip
    ) as stack:
        wait_for_port(grpc_metrics, timeout=30)
        wait_for_port(worker_metrics, timeout=60)
        config = loopback_config(tmp_path, {
            "boutique-web": stack.web_url.removeprefix("http://"),
            "boutique-services": f"127.0.0.1:{grpc_metrics}",
            "boutique-worker": f"127.0.0.1:{worker_metrics}",
        })  # fmt: skip
        promtool("check", "config", str(config))
        prometheus = Prometheus(config, tmp_path)
        try:
            for job in JOBS:
                prometheus.wait_for(f'up{{job="{job}"}}', lambda r: scalar(r) == 1)
            stack.checkout()
            stack.wait_for_email()

            prometheus.wait_for("sum(boutique_orders_placed_total)", lambda r: scalar(r) == 1)
            prometheus.wait_for(
                'sum(rate(boutique_http_requests_total{job="boutique-web"}[10s]))',
                lambda r: (scalar(r) or 0) > 0,
            )
            charges = prometheus.wait_for(
                'boutique_grpc_server_handled_total{job="boutique-services",'
                'grpc_method="Charge",grpc_code="OK"}',
                lambda r: scalar(r) == 1,
            )
            assert charges[0]["metric"]["grpc_service"] == "hipstershop.PaymentService"
            prometheus.wait_for(
                'boutique_grpc_client_handled_total{job="boutique-web",grpc_method="Charge"}',
                lambda r: scalar(r) == 1,
            )
            prometheus.wait_for(
                'sum by (task) (boutique_celery_tasks_total{job="boutique-worker",'
                'outcome="success"})',
                lambda r: (
                    {x["metric"]["task"] for x in r}
                    >= {"checkout.tasks.order_completed", "notifications.tasks.email_send"}
                ),
            )
            prometheus.wait_for(
                'boutique_emails_total{job="boutique-worker",outcome="sent"}',
                lambda r: scalar(r) == 1,
            )
            # The real server loaded the alert rules too; none fires for a healthy shop.
            rules = requests.get(f"{prometheus.url}/api/v1/rules", timeout=5).json()["data"]
            loaded = [rule["name"] for group in rules["groups"] for rule in group["rules"]]
            assert len(loaded) == 10
            assert prometheus.query('ALERTS{alertstate="firing"}') == []
        finally:
            prometheus.stop()
        # The web's samples went through the multiprocess directory.
        assert list(web_metrics.glob("counter_*.db"))
