"""Browser tests: a real CKAN served on 127.0.0.1, driven by Debian's headless Chromium.

The site is CKAN's own test app (``app`` fixture: the current test config,
the test databases) served by werkzeug in a thread on a free port, so the
scenario's data is created with CKAN's factories and actions in the test
and read back by the browser. Chromium and chromedriver are Debian's
(``scripts/install_os_packages.sh`` installs them); nothing is downloaded.
Screenshots go to var/artifacts/screenshots/.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "artifacts" / "screenshots"
WAIT_SECONDS = 20


class _Deferred:
    """The WSGI app, set once the port is known (CKAN's site_url names the port)."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.app(environ, start_response)


@pytest.fixture
def live_site(request: pytest.FixtureRequest, ckan_config: Any,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Base URL of this test's CKAN site, served until the test ends."""
    deferred = _Deferred()
    server = make_server("127.0.0.1", 0, deferred, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setitem(ckan_config, "ckan.site_url", base)
    deferred.app = request.getfixturevalue("app").app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's, through Selenium 4)."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(f"{CHROMIUM} / {CHROMEDRIVER} missing: run scripts/install_os_packages.sh")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,1700", "--lang=fa-IR",
                "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Keep each phase's report on the test, so a failed test leaves a screenshot."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser(request: pytest.FixtureRequest, chromium: Any) -> Iterator[Any]:
    """The session's Chromium with no cookies left from another test."""
    chromium.delete_all_cookies()
    yield chromium
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"failed-{request.node.name}.png"
        chromium.save_screenshot(str(path))
        print(f"screenshot of the failure: {path} (at {chromium.current_url})")
    chromium.delete_all_cookies()


@pytest.fixture
def screenshot(browser: Any) -> Callable[[str], Path]:
    """Save the page as var/artifacts/screenshots/<name>.png and print where."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        print(f"screenshot: {path}")
        return path
    return save
