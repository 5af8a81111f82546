"""The wiring of `make stack`, without starting anything: who is told which address."""

from pathlib import Path

from stack.topology import SERVICES, ports, shared_env, shop_processes

SECRETS = {"SECRET_KEY": "k", "POSTGRES_PASSWORD": "p", "REDIS_PASSWORD": "r"}


def _processes(environ: dict[str, str]):
    port_of = ports(environ)
    env = shared_env(Path("/stack"), SECRETS, port_of, environ)
    return {process.name: process for process in shop_processes(env, port_of, Path("/stack"))}


def test_each_service_calls_the_eight_others_remotely_and_the_rest_call_all_nine():
    processes = _processes({"CART_SERVICE_ADDR": "elsewhere:1", "CART_SERVICE_PORT": "7171"})
    assert len(processes) == len(SERVICES) + 3
    everyone = {s.addr_variable for s in SERVICES}
    for service in SERVICES:
        process = processes[service.app]
        assert process.argv[-4:] == ["grpcserve", service.app, "--port", str(process.port)]
        assert everyone - set(process.env) == {service.addr_variable}
    for name in ("web", "worker", "beat"):
        assert everyone <= set(processes[name].env)
        assert processes[name].env["CART_SERVICE_ADDR"] == "127.0.0.1:7171"
    assert processes["web"].port == 8080


def test_the_data_stores_are_the_stacks_own_with_their_passwords():
    env = _processes({"REDIS_URL": "redis://other:6379/0", "METRICS_PORT": "9100"})["web"].env
    assert env["REDIS_URL"] == env["CELERY_BROKER_URL"] == "redis://:r@127.0.0.1:56379/0"
    assert env["DATABASE_URL"] == "postgres://boutique:p@127.0.0.1:55432/boutique"
    assert "METRICS_PORT" not in env
    assert env["TMPDIR"] == "/stack/tmp"
