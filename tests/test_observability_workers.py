"""Metrics with WEB_CONCURRENCY=2: every worker serves the metrics port, and whichever answers
a scrape reports the requests of both (prometheus_client's multiprocess mode, in a directory
the service makes, empties and removes itself)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from emulator.app import create_emulator_app
from emulator.state import Emulator
from tests.support.ports import free_port
from tests.support.servers import ServerThread
from tests.support.service_process import ServiceProcess
from tests.support.telemetry import scrape, total
from tests.test_workers import FRESH, project, started_workers

QUERY = "query Categories { categories { id } }"
REQUESTS = 24


def test_the_metrics_port_adds_up_every_worker() -> None:
    emulator = Emulator()
    metrics_port = free_port()
    with ServerThread(create_emulator_app(emulator)) as upstream:
        env = {
            **project(upstream.url),
            "WEB_CONCURRENCY": "2",
            "METRICS_ENABLED": "true",
            "METRICS_PORT": str(metrics_port),
        }
        with ServiceProcess(env) as service:
            metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
            with httpx.Client(base_url=service.url, limits=FRESH) as browser:
                for _ in range(REQUESTS):
                    answer = browser.post("/graphql", json={"query": QUERY})
                    assert answer.status_code == 200 and "errors" not in answer.json()
            # New connections spread over both workers' sockets, for the service's port and for
            # the metrics port alike: every scrape must count all requests, whoever answers.
            counts = [
                total(scrape(metrics_url), "ctp_bff_graphql_requests_total", operation="Categories")
                for _ in range(8)
            ]
            assert counts == [REQUESTS] * 8
            assert httpx.get(f"http://127.0.0.1:{metrics_port}/other").status_code == 404
            assert httpx.get(f"{service.url}/metrics").status_code == 404
            service.stop()
            output = service.output()
    assert len(started_workers(output)) == 2, output
    directories = set(re.findall(r"multiprocess directory (\S+)", output))
    assert directories and not [d for d in directories if Path(d).exists()]
