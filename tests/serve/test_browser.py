"""End to end in a real headless browser: Debian's chromium driven by Playwright.

Starts `iusgraph serve` on a free loopback port, runs the "serious-effects" competency
query from the query page, opens an effect's page and sees its evidence, and saves
screenshots to test-artifacts/. Typing in the editor must not contact any host but the
server (YASQE's class and property autocompleters ask lov.linkeddata.es): every other
request is logged and aborted, and so is anything the page's Content-Security-Policy
blocks. Browsers are never downloaded (no `playwright install`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..helpers import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.needs_browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ)
    yasgui = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
    if yasgui.is_dir():
        env.setdefault("IUSGRAPH_YASGUI", str(yasgui))
    process = subprocess.Popen(
        [sys.executable, "-m", "iusgraph", "serve", "--port", str(port), "--timeout", "20"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"iusgraph serve stopped: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(url + "/sparql", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("iusgraph serve did not answer within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_query_page_and_an_effect_page_in_chromium(server: str) -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("chromium not found: run setup.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    query_shot = ARTIFACTS / "query-page.png"
    effect_shot = ARTIFACTS / "effect-page.png"
    for shot in (query_shot, effect_shot):
        shot.unlink(missing_ok=True)
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            # Nothing may be loaded from anywhere but the server (no CDN).
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((server, "data:", "blob:"))
                    else outside.append(request.url)
                ),
            )
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            page.click("button[data-name=serious-effects]")
            rows = ".yasr table tbody tr, table.results tbody tr"
            page.wait_for_selector(rows, timeout=30_000)
            page.wait_for_function(
                "document.body.innerText.includes('perforation of the uterus')", timeout=30_000
            )
            assert page.locator(rows).count() > 3
            page.screenshot(path=str(query_shot), full_page=True)

            page.goto(server + "/entity/uterine-perforation")
            assert page.locator("h1").inner_text() == "perforation of the uterus"
            evidence = page.locator("blockquote.evidence")
            assert evidence.count() >= 2
            texts = " ".join(evidence.all_inner_texts())
            assert "Perforation of the uterus (rare but serious)" in texts
            assert page.locator(".badge-seriousness").first.inner_text() == "seriousness: serious"
            page.screenshot(path=str(effect_shot), full_page=True)
        finally:
            browser.close()
    assert query_shot.stat().st_size > 10_000 and effect_shot.stat().st_size > 10_000
    assert not outside, f"the pages requested outside resources: {outside}"


#: What a page may load: the server itself, and data the page makes.
LOCAL = ("data:", "blob:")
#: Records what the Content-Security-Policy blocked (the browser makes no request then).
CSP_PROBE = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__blocked = window.__blocked || []).push(e.blockedURI + " (" + e.violatedDirective + ")");
});"""


def test_typing_in_the_editor_contacts_no_other_host(server: str) -> None:
    from playwright.sync_api import Route, sync_playwright

    if not (ROOT / "node_modules" / "@zazuko" / "yasgui" / "build").is_dir():
        pytest.fail("YASGUI is not installed: run setup.sh (npm ci)")
    outside: list[str] = []

    def only_the_server(route: Route) -> None:
        url = route.request.url
        if url.startswith((server, *LOCAL)):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.add_init_script(CSP_PROBE)
            page.route("**/*", only_the_server)
            refused: list[str] = []
            page.on(
                "console",
                lambda message: (
                    refused.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            page.wait_for_selector(".CodeMirror", timeout=30_000)
            typed = []
            for tab in ("the first tab", "a tab opened later"):
                if tab != "the first tab":
                    page.click("button.addTab")
                editor = page.locator(".CodeMirror:visible")
                editor.click()
                page.keyboard.press("Control+A")
                page.keyboard.press("Delete")  # a fresh query: YASQE adds the PREFIX lines
                for text in (
                    "SELECT * WHERE { ?s a foaf:Pers",
                    " . ?s foaf:na",
                    " . ?s a ex:Cl",
                    " . ?s ius:has",
                    " . ?x ?y ent:ac",
                ):
                    page.keyboard.type(text, delay=50)
                    page.wait_for_timeout(1000)  # the autocompleters wait for a pause
                typed.append(editor.evaluate("element => element.CodeMirror.getValue()"))
            blocked = page.evaluate("window.__blocked || []")
        finally:
            browser.close()
    assert all("foaf:Pers" in text and "ent:ac" in text for text in typed), typed
    assert not outside, f"typing in the editor contacted other hosts: {outside}"
    assert not blocked and not refused, (
        f"the page tried to connect where its Content-Security-Policy refuses: {blocked or refused}"
    )
