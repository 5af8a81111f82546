# Boutique. `make run` and `make test` each do all the set-up they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8080
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q

.PHONY: help install install-test lock run stack stack-system-deps test test-system-deps lint protos migrate clean load bench chaos

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

install: $(VENV)/.runtime ## the .venv with the runtime dependencies, exactly as locked (hashes checked)

# The lock files pin every package, transitive ones included, with their hashes (make lock).
# --no-compile: Python compiles what it imports on first use; compiling every file of every package
# up front took half of a fresh `make run`.
$(VENV)/.runtime: requirements/runtime.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --no-compile --require-hashes --no-deps -r requirements/runtime.txt
	touch $@

install-test: $(VENV)/.test ## the runtime set plus the test and development tools

$(VENV)/.test: $(VENV)/.runtime requirements/test.txt
	$(VENV)/bin/pip install -q --no-compile --require-hashes --no-deps -r requirements/test.txt
	touch $@

lock: install-test ## re-resolve requirements/*.txt from pyproject.toml (the test set agrees with the runtime set)
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
		-o requirements/runtime.txt pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra test \
		-c requirements/runtime.txt -o requirements/test.txt pyproject.toml

.env:
	@echo "# Written by make run for the embedded shop on loopback; never commit it." > $@
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> $@
	@echo "HTTPS_ONLY=false" >> $@

migrate: install .env
	$(PY) manage.py migrate --no-input

# No collectstatic: WhiteNoise serves the apps' static folders directly (WHITENOISE_USE_FINDERS);
# the production image collects and compresses them once, at build time (deploy/Dockerfile).
# PORT is passed on: e-mails link to this address unless SITE_URL says otherwise (shop/links.py).
run: migrate ## the shop on http://127.0.0.1:$(PORT) (embedded: SQLite, no Redis)
	$(PY) manage.py load_demo
	PORT=$(PORT) LOG_FORMAT=text $(VENV)/bin/gunicorn shop.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers 1 --threads 8

# The microservices topology on this machine (python -m stack, README "make stack"): everything it
# runs lives in .stack/ (gitignored) and is kept between runs; Ctrl-C stops it all.
stack: install stack-system-deps ## the shop as microservices here: PostgreSQL, Redis, nine gRPC services, web, worker, beat
	PORT=$(PORT) $(PY) -m stack

stack-system-deps: ## redis-server and PostgreSQL from apt when missing (make stack)
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -q && $(APT_INSTALL) $$missing; \
	fi

test-system-deps: ## redis-server, PostgreSQL, Chromium, Prometheus (promtool) and npm from apt when missing
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v promtool >/dev/null || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -q && $(APT_INSTALL) $$missing; \
	fi

lint: install-test ## ruff lint and format check, and the architecture's import contracts (.importlinter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# axe-core for the browser tests (e2e/test_phone.py), exactly as e2e/package-lock.json pins it.
e2e/node_modules/.installed: e2e/package.json e2e/package-lock.json | test-system-deps
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Bytecode caching on for the test run, whatever the calling environment says. The suite starts
# hundreds of Python processes (manage.py, gunicorn, Celery, grpcserve, probes); with
# PYTHONDONTWRITEBYTECODE set (as the machines running these sessions set it) and the packages
# installed --no-compile, no .pyc was ever written and each process compiled Django, DRF, redis-py,
# psycopg... from source again: 3.7 s of CPU to start the shop instead of 1.4 s (docs/decisions.md,
# "make test's time"). An empty value turns the variable off.
test: export PYTHONDONTWRITEBYTECODE :=
test: install-test test-system-deps e2e/node_modules/.installed lint ## everything the tests need, then the whole suite
	# One pytest worker per core (pytest-xdist): every test starts its own servers on free ports.
	# Not --dist loadgroup/loadscope: they key tests by node id, and schemathesis's generated tests
	# share one (test_api_fuzz): 26 of its 27 would silently not run (docs/decisions.md).
	$(PY) -m pytest -n auto
	# The PostgreSQL pass on a throwaway cluster, a test database per pytest worker; then, alone,
	# the tests that stop and start that cluster under the shop.
	$(PY) -m testing.servers postgres -- $(PY) -m pytest -m "postgres and not stops_postgres" -n auto
	$(PY) -m testing.servers postgres -- $(PY) -m pytest -m stops_postgres

protos: install-test ## regenerate the gRPC stubs from shop/rpc/protos/hipstershop.proto
	$(PY) shop/rpc/codegen.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

load: install-test test-system-deps ## the original's traffic mix against a local gunicorn + Redis + PostgreSQL
	$(PY) -m loadgen.run --users 20 --seconds 30

# The fault suite (docs/reliability.md); `make test` runs a short version of it in its PostgreSQL
# pass (chaos/tests), which writes to a copy of the document, never the committed one.
chaos: export PYTHONDONTWRITEBYTECODE :=
chaos: install-test test-system-deps ## faults injected in turn under traffic, the books checked; table into docs/reliability.md
	$(PY) -m chaos

# Bytecode cached as in the image (pip compiles at install there): the benchmarked processes
# start as production's do, and no worker inherits the garbage of compiling the shop.
bench: export PYTHONDONTWRITEBYTECODE :=
bench: install-test test-system-deps ## benchmark report (ratios) into BENCHMARKS.md
	@command -v wrk >/dev/null || $(APT_INSTALL) wrk
	$(PY) -m benchmarks.run

.PHONY: k8s-validate
# The overlays render in a copy of deploy/k8s holding the example secrets file (the real one is
# gitignored and may be absent).
k8s-validate: install-test ## render the base and every overlay (kubectl kustomize) and check them against the API schemas
	@command -v kubectl >/dev/null || { echo "kubectl not found: install it to render deploy/k8s"; exit 1; }
	tree=$$(mktemp -d) && cp -r deploy/k8s $$tree/ \
		&& cp deploy/k8s/overlays/production/secrets.env.example $$tree/k8s/overlays/production/secrets.env \
		&& for dir in base overlays/production overlays/canary overlays/blue-green; do \
			echo "$$dir"; kubectl kustomize $$tree/k8s/$$dir > $$tree/rendered.yaml \
			&& $(VENV)/bin/kubernetes-validate --strict --quiet -k 1.29.0 -k 1.37.0 $$tree/rendered.yaml \
			|| { rm -rf $$tree; exit 1; }; \
		done; rm -rf $$tree
	$(PY) -m pytest -q shop/tests/test_deploy.py shop/tests/test_deploy_k8s.py

.PHONY: schema
schema: install-test ## regenerate docs/openapi.yaml, the REST API schema the tests hold the code to
	SECRET_KEY=schema-only HTTPS_ONLY=false DEBUG=false \
		$(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml
