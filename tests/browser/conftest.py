"""Browser tests: Playwright for Python driving the system's Chromium against pytest-django's live server.

No browser is downloaded: Chromium comes from the distribution (``apt-get install chromium``) and is launched by
its path (``CHROMIUM`` overrides ``/usr/bin/chromium``). Without it, or without the ``playwright`` package, every
test here is skipped (``BROWSER_TESTS=off`` skips them too); ``.ci/run`` installs Chromium when missing and sets
``BROWSER_TESTS=required``, so that a missing browser fails the run instead.

Every page a journey visits (``Browser.visit``/``Browser.check``) is checked at 1024, 1366 and 1920 px wide: no
console error, no failed request, no horizontal overflow and, in English mode, no Chinese text other than data
(county, league, indicator and element names, and what the test itself typed). A screenshot of each step is saved
under ``test-artifacts/screenshots/<test>/`` (``BROWSER_ARTIFACTS`` overrides the folder).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTHS = (1024, 1366, 1920)
HEIGHT = 900
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CJK = re.compile(r"[\u3400-\u9fff]")  # ideographs: words left in Chinese (punctuation may stay)
# Words of the Excel file formats (what people type into a template's cells): English instructions quote them.
FILE_VOCABULARY = ["下达", "拨付", "支出", "自治区", "盟市", "旗县", "文号", "凭证号"]


def _unavailable() -> str:
    if os.environ.get("BROWSER_TESTS") == "off":
        return "BROWSER_TESTS=off"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return ""


def pytest_collection_modifyitems(config, items):
    why = _unavailable()
    for item in items:
        if "tests/browser/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if why:
            if os.environ.get("BROWSER_TESTS") == "required":
                raise pytest.UsageError(f"BROWSER_TESTS=required but {why}")
            item.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(scope="package")
def chromium():
    """One Chromium for the browser tests (they run together: pytest-django orders transactional tests last).

    Playwright's sync API keeps an event loop running in this thread, under which Django's ORM refuses to run
    unless told: the variable is set only while Playwright runs, so it never leaks into other tests.
    """
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def allowed_chinese() -> list[str]:
    """Data that stays Chinese in the English UI: names of counties, leagues, indicators, data elements and the
    work plan's tasks (the policy's own wording)."""
    from counties.models import County, League
    from indicators.models import DataElement, Indicator, WorkTask

    texts: set[str] = set()
    for model in (County, League, DataElement, Indicator, WorkTask):
        fields = [
            f.name for f in model._meta.get_fields() if f.get_internal_type() in ("CharField", "TextField")
        ]
        for row in model.objects.values_list(*fields):
            texts.update(str(value) for value in row if value)
    texts.update({"简体中文", "中文"})
    return sorted(texts, key=len, reverse=True)


class Browser:
    """One browser tab for a test, with the page checks and screenshots."""

    def __init__(self, context, base_url: str, folder: Path):
        self.context = context
        self.base_url = base_url
        self.folder = folder
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.steps = 0
        self.english = False
        self.extra_allowed: list[str] = []
        self.collect = False  # True: gather the problems of every page, raise_problems() at the end
        self._allowed: list[str] | None = None
        self.expected_statuses: set[int] = set()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)
        self.page.on("dialog", lambda dialog: dialog.accept())

    # --- listeners ---------------------------------------------------------------------------------
    def _on_console(self, message):
        # A response of 400 or more is reported (or expected) by _on_response, with its URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_request_failed(self, request):
        failure = request.failure or ""
        # A download or a navigation superseded by the next one aborts the request: not a failure.
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _on_response(self, response):
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    # --- actions -----------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def set_language(self, code: str):
        """Choose the language as the switcher does (its cookie)."""
        self.english = code == "en"
        self.context.add_cookies([{"name": "django_language", "value": code, "url": self.base_url}])

    def login(self, username: str, password: str):
        self.visit("/login/", f"login-{username}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("form button[type=submit]")
        self.check(f"home-{username}")

    def visit(self, path: str, step: str, *, status: int | None = None):
        if status:
            self.expected_statuses.add(status)
        response = self.page.goto(self.url(path))
        if status is not None:
            assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        self.check(step)
        self.expected_statuses.discard(status)
        return response

    def submit(self, selector: str, step: str):
        """Click a submit button and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)
        self.check(step)

    def check(self, step: str):
        """The page as it stands: screenshot, then overflow at every width and the English-mode text."""
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        name = f"{self.steps:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', step)}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                self.problems.append(
                    f"{step}: page {overflow}px wider than the {width}px window ({page.url})"
                )
                page.screenshot(path=str(self.folder / f"{name}-{width}-overflow.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": HEIGHT})
        page.screenshot(path=str(self.folder / f"{name}.jpg"), full_page=True, type="jpeg", quality=70)
        if self.english:
            self._check_translated(step)
        if not self.collect:
            self.raise_problems()

    def _check_translated(self, step: str):
        if self._allowed is None:
            self._allowed = allowed_chinese()
        # Text marked as Chinese on purpose (lang="zh-Hans", e.g. the workbook's sheet names) is not a miss.
        text = self.page.evaluate(
            """() => {
                const style = document.createElement("style");
                style.textContent = 'body [lang^="zh"] { display: none !important; }';
                document.head.appendChild(style);
                const text = document.body.innerText;
                style.remove();
                return text;
            }"""
        )
        for allowed in sorted(self.extra_allowed + FILE_VOCABULARY + self._allowed, key=len, reverse=True):
            if CJK.search(allowed):
                text = text.replace(allowed, " ")
        leftovers = sorted({line.strip() for line in text.splitlines() if CJK.search(line)})
        if leftovers:
            self.problems.append(f"{step}: untranslated text in English mode: {leftovers[:8]}")

    def raise_problems(self):
        if self.problems:
            problems, self.problems = self.problems, []
            pytest.fail("\n".join(problems), pytrace=False)


def _load_reference_data():
    """The leagues, counties, catalogue and acceptance rules that the data migrations load (a transactional test's
    flush empties the tables; ``serialized_rollback`` puts them back, and this makes sure of it)."""
    import importlib

    from django.apps import apps

    from counties.models import County
    from indicators.models import AcceptanceRule

    if not County.objects.exists():
        importlib.import_module("counties.migrations.0002_load_divisions").load_divisions(apps, None)
        importlib.import_module("indicators.migrations.0002_load_catalogue").load_catalogue(apps, None)
    if not AcceptanceRule.objects.exists():
        importlib.import_module("indicators.migrations.0003_acceptance").seed_rules(apps, None)


@pytest.fixture
def browser(chromium, live_server, request):
    _load_reference_data()
    folder = ARTIFACTS / "screenshots" / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1366, "height": HEIGHT})
    tab = Browser(context, live_server.url, folder)
    yield tab
    context.close()
