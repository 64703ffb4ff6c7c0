"""The compare HTML report opens in headless Chromium without errors and is not blank (issue 6).

Skipped, with the reason, when no Chromium binary is installed (Debian package `chromium`).
The screenshot goes to the test's temporary folder; "not blank" means that more than 1% of its
pixels differ from the page background (white), decoded with zlib (8-bit RGB/RGBA PNG, no
third-party image library).
"""
import shutil
import struct
import subprocess
import zlib

import pytest

from test_compare import SAMPLES

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def png_pixels(data):
    """(width, height, channels, rows of bytes) of a non-interlaced 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (apt-get install chromium)")
def test_html_report_renders_in_headless_chromium(abridge, tmp_path):
    q = tmp_path / "q.onnx"
    abridge("quantize", SAMPLES / "digits-mlp.onnx", "--calibration", SAMPLES / "digits-mlp.calib.npz", "-o", q, "--quiet", check=True)
    html = tmp_path / "report.html"
    abridge("compare", SAMPLES / "digits-mlp.onnx", q, "--data", SAMPLES / "digits-mlp.test.npz",
            "--per-layer", "--html", html, "--runs", "2", "--batch", "4", check=True)
    shot = tmp_path / "screenshot.png"
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-extensions", "--enable-logging=stderr", "--v=0",
                        f"--screenshot={shot}", "--window-size=1200,1600", html.as_uri()],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert shot.exists(), p.stderr
    # console errors of the page itself (not of the browser's own machinery)
    page_errors = [l for l in p.stderr.splitlines() if "CONSOLE" in l and "ERROR" in l.upper()]
    assert not page_errors, "\n".join(page_errors)
    width, height, channels, rows = png_pixels(shot.read_bytes())
    inked = 0
    for row in rows:
        for x in range(0, width * channels, channels):
            if row[x:x + 3] != b"\xff\xff\xff":
                inked += 1
    assert inked > 0.01 * width * height, f"screenshot is blank ({inked} of {width * height} pixels not white)"
