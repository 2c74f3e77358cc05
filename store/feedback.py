"""The feedback log: one JSON object a line, appended under a lock so that the app's threads never interleave."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class FeedbackLog:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
