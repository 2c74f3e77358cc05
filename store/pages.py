"""A cited page of a PDF as an image, with the quoted words highlighted on it.

The quote's words are found among the page's words, with their boxes: from the PDF's text layer (pdfium's character
boxes), or, for a page read by OCR, from the boxes Tesseract gave at ingest. The quote was cleaned and reflowed at
ingest (lines joined, hyphens mended), so it is matched word by word, not as one string: runs of at least two words
in the same order (one, for a one-word quote) are highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from core.errors import LoadError
from core.text import fold

HIGHLIGHT = (255, 214, 0)  # the yellow of a highlighter pen; the tests look for it
# Readable on a screen without being a multi-megabyte image: about a 1000-pixel-wide A4 page.
_SCALE = 1.4
# Words whose tops lie within this share of the page's height are on the same line.
_SAME_LINE = 0.006

Box = tuple[float, float, float, float]  # left, top, right, bottom, as shares of the page


@dataclass
class PageView:
    image: Image.Image  # the page, upright, the quote highlighted
    boxes: list[tuple[int, int, int, int]]  # the highlighted areas, in the image's pixels
    page: int
    ocr: bool


def render_cited_page(
    pdf: Path, page: int, quote: str, ocr_words: list[tuple[str, float, float, float, float]] | None, rotation: int = 0
) -> PageView:
    """Page `page` (1-based) of `pdf` with `quote` highlighted. `ocr_words` (text and box of each word) are those
    of a page read by OCR, which was turned `rotation` degrees to be read."""
    try:
        document = pdfium.PdfDocument(pdf)
    except (pdfium.PdfiumError, OSError) as exc:
        raise LoadError(pdf, f"cannot open the PDF to show its page ({exc})") from exc
    try:
        if not 1 <= page <= len(document):
            raise LoadError(pdf, f"the PDF has no page {page}")
        pdf_page = document[page - 1]
        image = pdf_page.render(scale=_SCALE).to_pil().convert("RGB")
        if ocr_words is not None:
            image = image.rotate(-rotation, expand=True) if rotation else image
            words = [(text, (left, top, right, bottom)) for text, left, top, right, bottom in ocr_words]
        else:
            words = _text_layer_words(pdf_page)
    finally:
        document.close()
    boxes = _line_boxes([box for _, box in _matched(words, quote)])
    pixels = [_pixels(box, image.size) for box in boxes]
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for box in pixels:
        draw.rectangle(box, fill=(*HIGHLIGHT, 110), outline=(*HIGHLIGHT, 255), width=2)
    shown = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return PageView(shown, pixels, page, ocr_words is not None)


def _text_layer_words(pdf_page: pdfium.PdfPage) -> list[tuple[str, Box]]:
    """The words of a page's text layer, each with the box around its characters."""
    width, height = pdf_page.get_size()
    textpage = pdf_page.get_textpage()
    try:
        count = textpage.count_chars()
        words: list[tuple[str, Box]] = []
        run: list[int] = []  # the characters of the word being read
        for i in range(count + 1):  # one past the end closes the last word
            char = textpage.get_text_range(i, 1) if i < count else " "
            if char and not char.isspace():
                run.append(i)
                continue
            if run:
                boxes = [textpage.get_charbox(j) for j in run]  # left, bottom, right, top, from the page's foot
                left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
                right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
                text = "".join(textpage.get_text_range(j, 1) for j in run)
                words.append((text, (left / width, 1 - top / height, right / width, 1 - bottom / height)))
                run = []
        return words
    finally:
        textpage.close()


def _token(word: str) -> str:
    return fold(word).strip(".,;:!?()«»\"'’“”[]–—-")


def _matched(words: list[tuple[str, Box]], quote: str) -> list[tuple[str, Box]]:
    page_tokens = [_token(w) for w, _ in words]
    quote_tokens = [t for t in (_token(w) for w in quote.split()) if t]
    if not quote_tokens:
        return []
    least = 1 if len(quote_tokens) == 1 else 2
    matcher = SequenceMatcher(None, page_tokens, quote_tokens, autojunk=False)
    return [
        words[block.a + i] for block in matcher.get_matching_blocks() if block.size >= least for i in range(block.size)
    ]


def _line_boxes(boxes: list[Box]) -> list[Box]:
    """Word boxes merged into one box per line, in reading order."""
    lines: list[list[float]] = []
    for left, top, right, bottom in sorted(boxes, key=lambda b: (b[1], b[0])):
        line = next((ln for ln in lines if abs(ln[1] - top) < _SAME_LINE), None)
        if line is None:
            lines.append([left, top, right, bottom])
        else:
            line[:] = [min(line[0], left), min(line[1], top), max(line[2], right), max(line[3], bottom)]
    return [(a, b, c, d) for a, b, c, d in lines]


def _pixels(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    pad = 3
    return (
        max(0, int(box[0] * width) - pad),
        max(0, int(box[1] * height) - pad),
        min(width - 1, int(box[2] * width) + pad),
        min(height - 1, int(box[3] * height) + pad),
    )
