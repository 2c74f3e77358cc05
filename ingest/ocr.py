"""Pages without a text layer, read by Tesseract (Debian's `tesseract-ocr`, through pytesseract) in French and English.

A page is rendered by pdfium, turned upright when Tesseract's orientation detection is sure of it, and read; the text
comes back line by line, so that the layout code joins the lines that the page broke, like those of a typed PDF. Each
word keeps its box (as a share of the page's width and height), so that a cited page can be shown with the quote
highlighted on it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageFilter, ImageOps

# Tesseract's orientation guess is kept only above this confidence: on a page of noise it guesses anything.
_ORIENTATION_CONFIDENCE = 2.0


class OcrError(Exception):
    """A page that could not be read: the message says why; the rest of the document is kept."""


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float  # 0-100, Tesseract's
    box: tuple[float, float, float, float]  # left, top, right, bottom, as shares of the upright page


@dataclass
class OcrPage:
    text: str  # lines separated by "\n", paragraphs by a blank line
    confidence: float  # mean word confidence, 0-100
    rotation: int = 0  # degrees the page was turned to read it
    words: list[OcrWord] = field(default_factory=list)


def available() -> bool:
    return shutil.which("tesseract") is not None


def languages() -> set[str]:
    import pytesseract

    try:
        return set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return set()


def read_page(image: Image.Image, language: str, timeout: float) -> OcrPage:
    """The text of one page image. Raises OcrError when Tesseract is missing, fails or runs over `timeout` seconds."""
    if not available():
        raise OcrError("Tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-fra)")
    # Imported on the first scanned page: pytesseract brings pandas, a fifth of a second at every start otherwise.
    import pytesseract

    # A 3-pixel median removes the specks of dust and toner a scanner adds, and keeps strokes (at 300 dpi a letter's
    # stroke is 3-5 pixels wide).
    gray = ImageOps.grayscale(image).filter(ImageFilter.MedianFilter(3))
    rotation = _rotation(gray, timeout)
    if rotation:
        gray = gray.rotate(-rotation, expand=True, fillcolor=255)
    try:
        data = pytesseract.image_to_data(
            gray, lang=language, timeout=timeout, output_type=pytesseract.Output.DICT, config="--psm 3"
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise OcrError(f"OCR ran over its {timeout:g} s limit (PARTNERBOT_OCR_PAGE_SECONDS)") from exc
    except (pytesseract.TesseractError, OSError) as exc:
        raise OcrError(f"Tesseract failed: {exc}") from exc
    return _page(data, gray.size, rotation)


def _rotation(gray: Image.Image, timeout: float) -> int:
    """Degrees clockwise that make the page upright, when Tesseract is sure; 0 otherwise (noise, too few letters)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(gray, timeout=timeout, config="--psm 0")
    except (RuntimeError, pytesseract.TesseractError, OSError):
        return 0
    angle = re.search(r"Rotate: (\d+)", osd)
    confidence = re.search(r"Orientation confidence: ([\d.]+)", osd)
    if not angle or not confidence or float(confidence[1]) < _ORIENTATION_CONFIDENCE:
        return 0
    return int(angle[1]) % 360


def _page(data: dict[str, list[Any]], size: tuple[int, int], rotation: int) -> OcrPage:
    width, height = size
    lines: dict[tuple[int, int, int], list[str]] = {}
    words: list[OcrWord] = []
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if not text.strip() or confidence < 0:
            continue
        left, top = data["left"][i], data["top"][i]
        box = (left / width, top / height, (left + data["width"][i]) / width, (top + data["height"][i]) / height)
        words.append(OcrWord(text, confidence, box))
        lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(text)
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, par, _), line in lines.items():
        paragraphs.setdefault((block, par), []).append(" ".join(line))
    text = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs.values())
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrPage(text, confidence, rotation, words)
