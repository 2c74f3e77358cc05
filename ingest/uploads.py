"""Accept files a user uploads: checked type and size, a safe name, stored only under the data dir."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from core.errors import LoadError
from core.settings import StoreSettings
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestReport

_UNSAFE = re.compile(r"[^\w.-]+")


def safe_name(name: str) -> str:
    """The file's own name without any folder part, reduced to letters, digits, dot, dash and underscore."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE.sub("_", stem).strip("._-")[:80] or "document"
    return f"{stem}{suffix}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_uploads(files: list[tuple[Path, str]], settings: StoreSettings) -> tuple[list[Path], list[LoadError]]:
    """Copy (temporary path, original name) pairs into the uploads folder; return saved and refused files.

    A name already taken by different content gets a numbered name, so nothing uploaded is overwritten.
    """
    folder = settings.documents_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    saved, refused = [], []
    limit = int(settings.max_file_mb * 1_000_000)
    for source, original in files:
        name = safe_name(original)
        if Path(name).suffix not in SUPPORTED_SUFFIXES:
            refused.append(
                LoadError(Path(original), f"unsupported file type; supported: {', '.join(SUPPORTED_SUFFIXES)}")
            )
            continue
        try:
            size = source.stat().st_size
        except OSError as exc:
            refused.append(LoadError(Path(original), f"the upload cannot be read: {exc.strerror or exc}"))
            continue
        if size > limit:
            refused.append(
                LoadError(Path(original), f"{size / 1e6:.1f} MB is over the {settings.max_file_mb:g} MB limit")
            )
            continue
        target, n = folder / name, 1
        while target.exists() and _digest(target) != _digest(source):
            n += 1
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        if not target.exists():
            shutil.copyfile(source, target)
        saved.append(target)
    return saved, refused


def remove_refused(report: IngestReport, settings: StoreSettings) -> list[LoadError]:
    """Delete the uploaded files an ingest refused (empty, not what their name says, over a bound): they are never
    reported again. Returns their refusals."""
    folder = (settings.documents_dir / "uploads").resolve()
    refused = [err for err in report.skipped if err.path.resolve().parent == folder]
    for err in refused:
        err.path.unlink(missing_ok=True)
    return refused
