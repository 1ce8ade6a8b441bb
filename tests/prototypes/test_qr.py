"""QR codes: what a phone camera reads from a screen, a printed card or a terminal."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, ImageDraw
from pyzbar.pyzbar import decode

from prototypes import ascii_url, qr_matrix, qr_png, qr_svg, qr_text

URL = "https://medskapa.se/t/abcde23456"
"""32 characters: QR version 3 at level M, 29 modules, 37 with the quiet zone."""

URLS = [
    URL,
    "http://localhost:8000/t/k7m2q9xw4z?uppgift=1&källa=kort",
    "https://medskapa.exempelkommun.se/t/abcde23456/" + "x" * 150,
]

SVG = "{http://www.w3.org/2000/svg}"


def _read(image: Image.Image) -> list[str]:
    return [symbol.data.decode("utf-8") for symbol in decode(image)]


def _scaled(matrix: list[list[bool]], scale: int = 8) -> Image.Image:
    """A black-on-white image of a module matrix, as a camera would see it."""
    size = len(matrix[0])
    image = Image.new("L", (size * scale, len(matrix) * scale), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle(
                    [x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0
                )
    return image


@pytest.mark.parametrize("url", URLS)
def test_the_png_decodes_to_the_url(url: str) -> None:
    png = qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _read(Image.open(io.BytesIO(png))) == [ascii_url(url)]


def test_a_url_with_swedish_letters_reads_the_same_on_every_phone() -> None:
    url = "https://exempel.kåmmun.se/t/abcde23456?källa=kort"
    encoded = "https://exempel.xn--kmmun-mra.se/t/abcde23456?k%C3%A4lla=kort"
    assert ascii_url(url) == encoded
    assert ascii_url(encoded) == encoded
    assert _read(Image.open(io.BytesIO(qr_png(url)))) == [encoded]


def test_the_png_has_box_size_pixels_per_module_and_a_quiet_zone() -> None:
    image = Image.open(io.BytesIO(qr_png(URL, box_size=3)))
    assert image.size == (37 * 3, 37 * 3)
    corner = image.convert("L").crop((0, 0, 4 * 3, 4 * 3))
    assert corner.getextrema() == (255, 255)


def test_the_svg_is_an_svg_document_with_a_title() -> None:
    root = ET.fromstring(qr_svg(URL).encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 37 37"
    assert root.find(f"{SVG}title").text == f"QR-kod till {URL}"
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")


def test_the_svg_title_can_be_set_and_is_escaped() -> None:
    url = "https://medskapa.se/t/abcde23456?a=1&b=<2>"
    root = ET.fromstring(qr_svg(url, title="Testa e-tjänsten & tyck till").encode("utf-8"))
    assert root.find(f"{SVG}title").text == "Testa e-tjänsten & tyck till"
    assert root.find(f"{SVG}desc").text == url


@pytest.mark.parametrize("url", URLS)
def test_the_svg_draws_exactly_the_dark_modules(url: str) -> None:
    root = ET.fromstring(qr_svg(url).encode("utf-8"))
    size = int(root.get("viewBox").split()[2])
    drawn = [[False] * size for _ in range(size)]
    path = root.find(f"{SVG}path").get("d")
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        for column in range(int(x), int(x) + int(width)):
            drawn[int(y)][column] = True
    assert drawn == qr_matrix(url)
    assert _read(_scaled(drawn)) == [ascii_url(url)]


def test_qr_text_has_one_line_per_two_module_rows_with_the_quiet_zone() -> None:
    lines = qr_text(URL).splitlines()
    assert len(lines) == 19  # ceil(37 / 2)
    assert {len(line) for line in lines} == {37}
    assert set(lines[0]) == {" "}  # quiet zone: light
    assert set("".join(lines)) <= {" ", "▀", "▄", "█"}


def _from_text(text: str, *, invert: bool = False) -> list[list[bool]]:
    """Modules as a terminal shows them: each character is an upper and a lower half."""
    halves = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}
    matrix = []
    for line in text.splitlines():
        cells = [halves[ch] for ch in line]
        matrix.append([top != invert for top, _ in cells])
        matrix.append([bottom != invert for _, bottom in cells])
    return matrix


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("invert", [False, True])
def test_qr_text_is_readable_by_a_camera(url: str, invert: bool) -> None:
    text = qr_text(url, invert=invert)
    modules = _from_text(text, invert=invert)
    assert modules[: len(qr_matrix(url))] == qr_matrix(url)
    assert _read(_scaled(modules)) == [ascii_url(url)]


def test_inverted_text_draws_the_quiet_zone() -> None:
    first = qr_text(URL, invert=True).splitlines()[0]
    assert set(first) == {"█"}
