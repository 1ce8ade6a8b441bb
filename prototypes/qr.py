"""QR codes for share links: PNG for screens, SVG for print, text for the terminal.

Every code uses error correction level M (about 15 % may be damaged or covered) and the
smallest QR version that holds the URL. The quiet zone (light border, 4 modules by the
standard) is part of every rendering: phone cameras need it to find the code.

A URL with characters outside ASCII (``?källa=kort``, ``https://exempel.kåmmun.se``) is
encoded first (percent-encoding, IDNA for the host name): QR byte mode does not say which
character set it holds, and readers guess differently, so only ASCII reads the same on
every phone.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote, urlsplit, urlunsplit
from xml.sax.saxutils import escape, quoteattr

import qrcode
import qrcode.constants

QUIET_ZONE = 4
"""Light modules around the code, as the QR standard asks."""


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def ascii_url(url: str) -> str:
    """The URL as every QR reader decodes it the same: non-ASCII percent-encoded, IDNA host."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.hostname and not parts.hostname.isascii():
        userinfo, at, _ = netloc.rpartition("@")
        host = parts.hostname.encode("idna").decode("ascii")
        port = f":{parts.port}" if parts.port is not None else ""
        netloc = f"{userinfo}{at}{host}{port}"
    encoded = [_NON_ASCII.sub(lambda m: quote(m.group()), part) for part in parts]
    encoded[1] = _NON_ASCII.sub(lambda m: quote(m.group()), netloc)
    return urlunsplit(encoded)


def _qr(url: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(ascii_url(url))
    code.make(fit=True)
    return code


def qr_matrix(url: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The modules of the code, quiet zone included: True is dark, rows top to bottom."""
    return [list(row) for row in _qr(url, border=border).get_matrix()]


def qr_png(url: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> bytes:
    """The code as a black-on-white PNG, ``box_size`` pixels per module."""
    image = _qr(url, box_size=box_size, border=border).make_image(
        fill_color="black", back_color="white"
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_svg(url: str, *, title: str | None = None) -> str:
    """The code as a standalone, scalable SVG document with a title for screen readers.

    One module is one user unit (``viewBox``), so it scales to any size without blur; set
    the printed size with CSS or the ``width``/``height`` of the element that embeds it.
    """
    matrix = qr_matrix(url)
    size = len(matrix)
    label = title if title is not None else f"QR-kod till {url}"
    path = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            path.append(f"M{start} {y}h{x - start}v1h{start - x}z")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size * 4}mm" height="{size * 4}mm" role="img" aria-labelledby="qr-title" '
        'shape-rendering="crispEdges">\n'
        f'<title id="qr-title">{escape(label)}</title>\n'
        f"<desc>{escape(ascii_url(url))}</desc>\n"
        f'<rect width="{size}" height="{size}" fill="#fff"/>\n'
        f'<path fill="#000" d={quoteattr("".join(path))}/>\n'
        "</svg>\n"
    )


_BLOCKS = {
    (False, False): " ",
    (True, False): "▀",
    (False, True): "▄",
    (True, True): "█",
}
"""Half-block characters by (upper module inked, lower module inked)."""


def qr_text(url: str, *, invert: bool = False, border: int = QUIET_ZONE) -> str:
    """The code as lines of Unicode half blocks: two module rows per line of text.

    Characters draw dark modules and spaces are light, so the text reads right as dark
    ink on a light background (print it e.g. with rich's style ``"black on white"``, which
    also colours the quiet zone). On a plain light-on-dark terminal pass ``invert=True``:
    the light modules, quiet zone included, are then drawn and the dark ones left blank.
    An odd last row is paired with a light row.
    """
    matrix = qr_matrix(url, border=border)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for upper, lower in zip(matrix[0::2], matrix[1::2], strict=True):
        lines.append(
            "".join(
                _BLOCKS[(top != invert, bottom != invert)]
                for top, bottom in zip(upper, lower, strict=True)
            )
        )
    return "\n".join(lines) + "\n"
