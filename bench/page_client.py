"""Asking the app's page events as a browser tab does, at a browser's cost.

A browser posts a queued event to `queue/join` and reads its messages from the `queue/data` stream, or posts an event
kept out of the queue to `run/` and reads the reply; its JavaScript runs on the student's machine. `gradio_client`
does the same work with a thread per client for heartbeats, a new connection for every request and the outputs' files
handled on each message: about 50 ms of CPU an event here, so 40 of its clients took 0.57 of this two-core machine's
cores from the server they were measuring (`python -m bench --rows load`). This client speaks the same protocol with
one kept-alive connection per tab and nothing else, so the load row measures the server. Tests use it too, to call an
event the way a script can without the page.
"""

from __future__ import annotations

import json
import uuid

import httpx


class PageError(RuntimeError):
    """An event the app did not complete: its messages are kept for the report."""

    def __init__(self, event: str, messages: list[dict]) -> None:
        super().__init__(f"{event}: not completed: {messages[-3:]}")
        self.messages = messages


class PageClient:
    """One browser tab: one Gradio session and one kept-alive connection to the app at `url`."""

    def __init__(self, url: str, timeout: float = 600, session: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.session = session or uuid.uuid4().hex
        # The timeout covers one answer waiting in a queue of 40 users on a slow machine.
        self.http = httpx.Client(timeout=timeout)
        config = self.http.get(self.url + "/config").json()
        self.queue = self.url + config.get("api_prefix", "/gradio_api") + "/queue"
        self.dependencies = config["dependencies"]

    def messages(self, event: str, data: list, event_data: dict | None = None) -> list[dict]:
        """The session's messages for one call of `event` (an endpoint's name, or a trigger such as "like"), until
        it completes; `data` holds one value per input, None for a State (the server keeps it per session)."""
        dependency = self._dependency(event)
        self.http.post(self.queue + "/join", json=self._body(dependency, data, event_data)).raise_for_status()
        messages: list[dict] = []
        with self.http.stream("GET", self.queue + "/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    messages.append(json.loads(line[5:]))
                    if messages[-1].get("msg") == "process_completed":
                        break
        return messages

    def _dependency(self, event: str) -> dict:
        named = (d for d in self.dependencies if d.get("api_name") == event or any(t[1] == event for t in d["targets"]))
        return next(named)

    def _body(self, dependency: dict, data: list, event_data: dict | None) -> dict:
        return {
            "data": data,
            "fn_index": dependency["id"],
            "session_hash": self.session,
            "event_data": event_data,
            "trigger_id": dependency["targets"][0][0],
        }

    def call(self, event: str, data: list) -> list:
        """The outputs of one completed call of `event`; `PageError` if it failed or never completed. An event kept
        out of the queue (`queue=False`) is one request to `run/`, as the browser sends it."""
        dependency = self._dependency(event)
        if dependency.get("queue") is False:
            run = self.queue.removesuffix("/queue") + "/run/predict"  # the body's `fn_index` names the event
            reply = self.http.post(run, json=self._body(dependency, data, None))
            if reply.status_code != 200:
                raise PageError(event, [{"msg": "process_completed", "success": False, "output": reply.json()}])
            return reply.json()["data"]
        messages = self.messages(event, data)
        if not messages or messages[-1].get("msg") != "process_completed" or not messages[-1].get("success"):
            raise PageError(event, messages)
        return messages[-1]["output"]["data"]

    def close(self) -> None:
        self.http.close()
