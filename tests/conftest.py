"""Shared fixtures: the real embedding model (loaded once), real Chroma indexes in temporary folders."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from core.settings import Settings
from ingest.pipeline import ingest
from models.embeddings import CountingEmbedder, Embedder, load_embedder
from store.store import Store

if TYPE_CHECKING:
    from bot import Bot

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED_DOC = CORPUS / "partnership_meeting_2025-03-26.txt"


@pytest.fixture(scope="session")
def embedder() -> CountingEmbedder:
    return CountingEmbedder(load_embedder(Settings().store.embedding_model))


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides) -> Settings:
        values = {"data_dir": tmp_path / "data", "chroma_url": None, **overrides}
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings) -> Settings:
    return make_settings()


@pytest.fixture
def make_store(embedder: CountingEmbedder) -> Callable[..., Store]:
    def make(settings: Settings, reset: bool = False) -> Store:
        return Store(settings, embedder=embedder, reset=reset)

    return make


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def bot_over(documents: dict[str, str], tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Bot:
    """A bot over an index of these fictional documents (file name -> text), built in temporary folders."""
    from bot import Bot

    folder = tmp_path_factory.mktemp("docs")
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("index") / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    return Bot(settings, store)


def run_cli(
    *args: str, data_dir: Path, module: str = "cli", timeout: float = 300, **settings: str
) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS` (by default `partnerbot ARGS`) in a child process, on the index in data_dir, with
    more PARTNERBOT_* settings by their flat names (`composer="extractive"`)."""
    env = {**os.environ, "PARTNERBOT_DATA_DIR": str(data_dir)}
    env |= {f"PARTNERBOT_{name.upper()}": value for name, value in settings.items()}
    return subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli_here(*args: str, data_dir: Path, **settings: str) -> CliResult:
    """`partnerbot ARGS` through its entry point `cli.main.main`, in this process, with its output captured: the
    command as a person runs it, without paying a new interpreter and its language pipelines (10-15 s each on a
    slow two-core machine) again. `run_cli` starts a real process, for what only a process shows (its exit,
    another process writing the index)."""
    from cli.main import main

    env = {"PARTNERBOT_DATA_DIR": str(data_dir)}
    env |= {f"PARTNERBOT_{name.upper()}": value for name, value in settings.items()}
    saved = {name: os.environ.get(name) for name in env}
    out, err = io.StringIO(), io.StringIO()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return CliResult(code, out.getvalue(), err.getvalue())


def app_replies(app: Any, message: str, history: list | None = None) -> list:
    """What the app's `respond` (an async generator) yields for a message, in order."""

    async def replies() -> list:
        return [reply async for reply in app.respond(message, history or [])]

    return asyncio.run(replies())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"no answer from {url} within {timeout} s")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port; yields its URL."""
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/api/v2/heartbeat", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


class RunningApp:
    def __init__(self, url: str, data_dir: Path, startup_s: float):
        self.url, self.data_dir, self.startup_s = url, data_dir, startup_s
        self.killed = False  # set when, told to stop, it had not stopped within 30 s


@contextlib.contextmanager
def serving(data_dir: Path, log_path: Path, **env_extra: str) -> Iterator[RunningApp]:
    """`partnerbot serve` on a free loopback port, stopped when the block ends. It answers in its own process after
    one warm-up question: the answer processes and the full warm-up (each process loading the models and answering
    the examples) are tested once, in `tests/test_serve.py`, not paid again by every served app here. Told to stop,
    it waits a second for the clients still connected (a test's Gradio client keeps its event stream open)."""
    port = free_port()
    quick = {
        "PARTNERBOT_ANSWER_PROCESSES": "0",
        "PARTNERBOT_WARM_UP_QUESTIONS": "1",
        "PARTNERBOT_SHUTDOWN_GRACE_SECONDS": "1",
    }
    env = {**os.environ, **quick, "PARTNERBOT_DATA_DIR": str(data_dir), **env_extra}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    running = RunningApp(f"http://127.0.0.1:{port}", data_dir, 0.0)
    try:
        wait_for_http(running.url + "/", process, timeout=120)
        running.startup_s = time.monotonic() - started
        # The page comes first, the app as it loads: under 500 once the app answers (401 with a key or login on,
        # 200 once warm; 503 while it starts).
        wait_for_http(running.url + "/healthz", process, timeout=120)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a stop slowed by a loaded machine: what it kept must survive a kill
            process.kill()
            process.wait(timeout=30)
            running.killed = True


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[RunningApp]:
    """The app served over the corpus, shared by the tests that only ask, upload or read its pages."""
    folder = tmp_path_factory.mktemp("app")
    settings = Settings(data_dir=folder / "data", chroma_url=None)
    ingest([CORPUS], settings)
    with serving(settings.store.data_dir, folder / "app.log") as running:
        print(f"app served its page {running.startup_s:.1f} s after start")
        yield running


# The served app with logins and API keys (`served`): a reader's and an editor's of each; fictional, for tests only.
API_KEY = "pb-test-key-for-the-api-tests-only"
EDITOR_API_KEY = "pb-a-second-test-key"
READER_LOGIN = ("reader", "fictional-password")
EDITOR_LOGIN = ("staff", "s3cret")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="session")
def served(tmp_path_factory, embedder) -> Iterator[RunningApp]:
    """`partnerbot serve` over the corpus, with the page's logins and the API keys on, a reader's and an editor's of
    each: shared by the API's tests and the page's role tests."""
    folder = tmp_path_factory.mktemp("served")
    settings = Settings(data_dir=folder / "data", chroma_url=None)
    ingest([CORPUS], settings, store=Store(settings, embedder=embedder))
    with serving(
        settings.store.data_dir,
        folder / "serve.log",
        PARTNERBOT_AUTH=f"{':'.join(READER_LOGIN)}, editor:{':'.join(EDITOR_LOGIN)}",
        PARTNERBOT_API_KEYS=f"{sha256(API_KEY)}, editor:{sha256(EDITOR_API_KEY)}",
    ) as running:
        yield running


class ScriptedProposer:
    """A model that answers every prompt with the same text (or raises), and counts the prompts it got."""

    name = "scripted"

    def __init__(self, reply: str | Exception):
        self.reply = reply
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


# The browser tests' Chromium, and a page of the app in it.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags without which Chromium reaches for the network this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for a module's browser tests, each in a context of its own (`app_page`). Not one for the
    session: Playwright's synchronous API keeps an event loop running while it is open, and the tests that call
    `asyncio.run` after it on the same worker would fail."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def app_page(browser, url: str, viewport: dict[str, int]) -> Iterator[Page]:
    """A page of the app in a browser context of its own, closed when the block ends."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def ask(page: Page, question: str) -> None:
    box = page.get_by_label("Your question / Votre question")
    box.fill(question)
    box.press("Enter")
