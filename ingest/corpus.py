"""Which files make up the corpus, and the metadata of each (from `manifest.toml` or the file itself)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import LoadError
from core.text import guess_language
from ingest.loaders import check_supported
from store.records import DocumentMetadata

MANIFEST_NAME = "manifest.toml"
_NOT_DOCUMENTS = {MANIFEST_NAME, "readme", "readme.md", "readme.txt"}
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    doc_id: str
    manifest_entry: dict[str, Any]


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[LoadError] = field(default_factory=list)
    scanned_dirs: list[Path] = field(default_factory=list)
    _manifests: dict[Path, dict[str, Any]] = field(default_factory=dict)


def discover(paths: list[Path]) -> Discovery:
    """Expand folders into their document files; name what cannot be ingested."""
    found = Discovery()
    for given in paths:
        path = given.expanduser().resolve()
        if path.is_dir():
            found.scanned_dirs.append(path)
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts) or file.name.lower() in _NOT_DOCUMENTS:
                    continue
                if not file.resolve().is_relative_to(path):
                    # A link out of the folder could expose any readable file of the machine.
                    found.problems.append(LoadError(file, f"a link to {file.resolve()}, outside {path}: not ingested"))
                    continue
                _add(found, file, relative.as_posix(), path)
        elif path.is_file():
            _add(found, path, path.name, path.parent)
        else:
            found.problems.append(LoadError(given, "no such file or folder"))
    return found


def _add(found: Discovery, file: Path, doc_id: str, root: Path) -> None:
    # A manifest may name files of its folder that are not documents (annotations, notes).
    if file.name in _manifest(found, file.parent).get("ignore", []):
        return
    try:
        check_supported(file)
    except LoadError as exc:
        found.problems.append(exc)
        return
    entry = _manifest(found, file.parent).get(file.name) or _manifest(found, root).get(doc_id) or {}
    if not isinstance(entry, dict):
        entry = {}
    found.files.append(SourceFile(file, doc_id, {k: str(v) for k, v in entry.items()}))


def _manifest(found: Discovery, folder: Path) -> dict[str, Any]:
    if folder not in found._manifests:
        found._manifests[folder] = {}
        path = folder / MANIFEST_NAME
        if path.is_file():
            try:
                found._manifests[folder] = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                found.problems.append(LoadError(path, f"invalid manifest, its metadata is ignored: {exc}"))
    return found._manifests[folder]


def document_metadata(source: SourceFile, text: str, title_from_file: str | None) -> DocumentMetadata:
    entry = source.manifest_entry
    date_match = _DATE_IN_NAME.search(source.path.name)
    return DocumentMetadata(
        doc_id=source.doc_id,
        title=entry.get("title") or title_from_file or _first_line(text) or source.path.stem,
        date=entry.get("date") or (date_match.group(1) if date_match else ""),
        language=entry.get("language") or guess_language(text),
        source=entry.get("source") or source.path.name,
        path=str(source.path),
    )


def _first_line(text: str) -> str | None:
    line = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return line if 0 < len(line) <= 200 else None


@dataclass(frozen=True)
class AppTexts:
    """What the app says of its corpus: its title, an "about" paragraph and example questions, from the `[app]` table
    of the corpus folder's manifest. The code names no corpus: without the table, the app says generic things."""

    title: str = "partnerbot"
    about: str = (
        "Ask in French or English about the documents listed below. Answers quote them and name their sources; "
        "when the documents do not say, the bot tells you so instead of guessing."
    )
    # (label, questions) groups, shown as clickable examples.
    examples: tuple[tuple[str, tuple[str, ...]], ...] = ()


def app_texts(corpus_dir: Path) -> AppTexts:
    """The `[app]` table of `corpus_dir/manifest.toml`, or generic texts when there is none."""
    manifest = corpus_dir / MANIFEST_NAME
    try:
        table = tomllib.loads(manifest.read_text(encoding="utf-8")).get("app", {})
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    default = AppTexts()
    examples = tuple(
        (str(group.get("label", "")), tuple(str(q) for q in group.get("questions", [])))
        for group in table.get("examples", [])
        if group.get("questions")
    )
    return AppTexts(
        title=str(table.get("title", default.title)), about=str(table.get("about", default.about)), examples=examples
    )
