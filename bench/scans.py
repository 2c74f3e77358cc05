"""Scanned documents made from known text, for the OCR tests and the bench: typed with reportlab, printed to pixels by
pdfium, then noised, skewed or turned like a sheet through a scanner, and saved as a PDF of images only.

Also the measure of what OCR got back: the share of the known words found in the text read.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas


def typed_pdf(pages: list[str], font_size: int = 12) -> bytes:
    """A PDF with a text layer: each page's paragraphs (split on blank lines), wrapped to the page's width."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    for page in pages:
        y = height - 72
        for paragraph in page.split("\n\n"):
            for line in simpleSplit(paragraph.replace("\n", " "), "Helvetica", font_size, width - 144):
                pdf.setFont("Helvetica", font_size)
                pdf.drawString(72, y, line)
                y -= font_size * 1.4
            y -= font_size
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan(
    pdf: bytes, dpi: int = 200, noise: float = 0.0, turn: int = 0, skew: float = 0.0, seed: int = 0
) -> list[Image.Image]:
    """The pages of a PDF as a scanner would give them: `noise` is the share of pixels flipped (dust and toner
    specks), `turn` a quarter turn (90, 180, 270 degrees, a sheet fed sideways), `skew` a few degrees of slant."""
    rng = random.Random(seed)
    document = pdfium.PdfDocument(pdf)
    images = []
    for page in document:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        if noise:
            pixels = image.load()
            for _ in range(int(image.width * image.height * noise)):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                pixels[x, y] = 255 - pixels[x, y]
        if skew:
            image = image.rotate(skew, expand=True, fillcolor=255, resample=Image.Resampling.BILINEAR)
        if turn:
            image = image.rotate(turn, expand=True)
        images.append(image)
    document.close()
    return images


def save_scan(images: list[Image.Image], path: Path, dpi: int = 200) -> Path:
    """Images as a PDF of images only: no text layer, like a scanner's output."""
    first, *rest = [image.convert("RGB") for image in images]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=dpi)
    return path


def noise_page(size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A page of pure noise (a photocopier's grey, a photo of nothing), black and white specks."""
    return Image.effect_noise(size, 100).point(lambda v: 255 if v > 128 else 0)


def words_recognised(known: str, read: str) -> float:
    """Share of the known text's words (accents and case kept, punctuation dropped) that the text read holds."""
    expected = Counter(_words(known))
    found = Counter(_words(read))
    return sum(min(n, found[w]) for w, n in expected.items()) / max(1, sum(expected.values()))


def _words(text: str) -> list[str]:
    return [w for w in (token.strip(".,;:!?()«»\"'’–-") for token in text.split()) if w]
