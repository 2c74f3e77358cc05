"""Read a document file into text, with the parsers LangChain's loaders wrap (pypdf, docx2txt, bs4)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx2txt
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import LoadError
from ingest.layout import join_pages, page_furniture, reflow

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

# Signatures of formats that are never plain text, to name what a mislabelled file really is.
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
}


@dataclass
class LoadedText:
    # One part per page for a PDF (so passages can cite their page), a single part otherwise.
    parts: list[str]
    title: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)


def check_supported(path: Path) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadError(
            path, f"unsupported file type '{path.suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )


def load_file(path: Path, max_bytes: int) -> LoadedText:
    check_supported(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                path, f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit (PARTNERBOT_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise LoadError(path, "the file is empty")

    if suffix == ".pdf":
        loaded = _load_pdf(path, data)
    elif suffix == ".docx":
        loaded = _load_docx(path, data)
    elif suffix in (".html", ".htm"):
        loaded = _load_html(_decode_text(path, data))
    else:
        loaded = LoadedText([_decode_text(path, data)])
    if not loaded.text.strip():
        raise LoadError(path, "no text could be extracted from the file")
    return loaded


def _decode_text(path: Path, data: bytes) -> str:
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise LoadError(path, f"the content is {kind}, not text: check the file extension")
    if b"\x00" in data[:8192]:
        raise LoadError(path, "the file is binary, not text")
    # UTF-8 first; then Windows-1252, the usual legacy encoding of French text, which statistical
    # detection confuses with Central European code pages on short files; then detection.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise LoadError(path, "the file is not readable text in any known encoding")
    return str(best)


# Page chrome, not content: navigation, banners, sidebars, footers, forms and cookie notices.
_CHROME_TAGS = ["nav", "aside", "footer", "form", "button", "dialog"]
_CHROME_ROLES = re.compile(r"^(navigation|banner|contentinfo|complementary|dialog|alertdialog|search)$")
_CHROME_NAMES = re.compile(r"cookie|consent|gdpr|banner|breadcrumb|sidebar|share|social|newsletter-signup|menu|navbar")


def _load_html(markup: str) -> LoadedText:
    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else None
    # Scripts, styles and templates are code, not content: they must never reach the index.
    for tag in soup(["head", "script", "style", "noscript", "template", "iframe", "svg"]):
        tag.decompose()
    # The page's own content, when it says where it is; otherwise the body without its chrome.
    content = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in content.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in content.find_all(True):
        if tag.decomposed:
            continue
        names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if _CHROME_ROLES.match(tag.get("role") or "") or (_CHROME_NAMES.search(names.lower()) and tag.name != "body"):
            tag.decompose()
    return LoadedText([content.get_text("\n")], title=title or None)


def _load_pdf(path: Path, data: bytes) -> LoadedText:
    if not data.startswith(b"%PDF"):
        raise LoadError(path, "not a PDF (the content does not start with %PDF): check the file extension")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "the PDF is password-protected")
        lines = [(page.extract_text() or "").split("\n") for page in reader.pages]
        furniture = page_furniture(lines)
        pages = join_pages([reflow(page, furniture) for page in lines])
        title = (reader.metadata.title if reader.metadata else None) or None
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LoadError(path, f"corrupt or truncated PDF ({type(exc).__name__}: {exc})") from exc
    if not any(p.strip() for p in pages):
        raise LoadError(path, "the PDF has no extractable text (a scanned image?)")
    return LoadedText(pages, title=title)


def _load_docx(path: Path, data: bytes) -> LoadedText:
    if not data.startswith(b"PK"):
        raise LoadError(path, "not a DOCX (the content is not a ZIP archive): check the file extension")
    try:
        text = docx2txt.process(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(path, f"corrupt or truncated DOCX ({type(exc).__name__}: {exc})") from exc
    return LoadedText([reflow((text or "").split("\n"))])
