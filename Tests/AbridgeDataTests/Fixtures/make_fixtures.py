#!/usr/bin/env python3
"""Regenerate the NumPy fixtures used by AbridgeDataTests.

Run once by hand (numpy 2.4.6 was used):  python3 make_fixtures.py
The tests never call Python; they read the committed files.
Each file is tiny (a few hundred bytes). The expected values are written
out literally in NumPyFixtureTests.swift; the comments below repeat them.
"""
import io
import os
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def save(name, arr, **kw):
    np.save(path(name), arr, **kw)


def npy_bytes(arr, version=None):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, version=version, allow_pickle=False)
    return buf.getvalue()


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def patched_zip(content, declared):
    """A one-member deflated zip ('a.npy') whose uncompressed-size fields say `declared`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.npy", content)
    data = bytearray(buf.getvalue())
    lfh = data.find(b"PK\x03\x04")
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, lfh + 22, declared)
    struct.pack_into("<I", data, cd + 24, declared)
    return bytes(data)


def main():
    # ---- valid arrays --------------------------------------------------
    # [[0, 1.5, 3], [4.5, 6, 7.5]]
    save("f4_2x3.npy", (np.arange(6, dtype="<f4") * 1.5).reshape(2, 3))
    # 0-d scalar 3.25
    save("scalar_f8.npy", np.array(3.25, dtype="<f8"))
    # big-endian int32 [1, -2, 3, 16909060]
    save("be_i4.npy", np.array([1, -2, 3, 0x01020304], dtype=">i4"))
    # fortran order, logical C-order values [[0,1,2],[3,4,5]] (float32)
    save("fortran_f4.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    # fortran order 3-d int16, values arange(24).reshape(2,3,4)
    save("fortran_i2_3d.npy", np.asfortranarray(np.arange(24, dtype="<i2").reshape(2, 3, 4)))
    # [True, False, True]
    save("bool.npy", np.array([True, False, True]))
    # [[-2**63, -1], [0, 2**63-1]]
    save("i8.npy", np.array([[-(2**63), -1], [0, 2**63 - 1]], dtype="<i8"))
    # [1, -2.5, 65504, 2**-14, 2**-24, inf, -0.0]
    save("f2.npy", np.array([1.0, -2.5, 65504.0, 2.0**-14, 2.0**-24, np.inf, -0.0], dtype="<f2"))
    # ['ab', 'héllo', '', 'x😀']
    save("u5.npy", np.array(["ab", "h\u00e9llo", "", "x\U0001F600"], dtype="<U5"))
    # [b'ab', b'xyz', b'']
    save("s3.npy", np.array([b"ab", b"xyz", b""], dtype="|S3"))
    # complex64 [1+2j, -3.5-0.25j]
    save("c8.npy", np.array([1 + 2j, -3.5 - 0.25j], dtype="<c8"))
    # big-endian float64 [1.5, -2.0]
    save("be_f8.npy", np.array([1.5, -2.0], dtype=">f8"))
    # uint16 (3, 0): empty array
    save("empty_u2.npy", np.zeros((3, 0), dtype="<u2"))
    # version 2.0 and 3.0 headers, int32 [7, 8, 9]
    write("v2_i4.npy", npy_bytes(np.array([7, 8, 9], dtype="<i4"), version=(2, 0)))
    write("v3_i4.npy", npy_bytes(np.array([7, 8, 9], dtype="<i4"), version=(3, 0)))

    # np.savez: a = int32 [0,1,2,3], b = float64 [[1,2],[3,4]]
    np.savez(path("savez.npz"), a=np.arange(4, dtype="<i4"), b=np.array([[1.0, 2.0], [3.0, 4.0]]))
    # np.savez_compressed: x = float32 zeros(100), y = uint8 [0,1,2]
    np.savez_compressed(path("savez_compressed.npz"), x=np.zeros(100, dtype="<f4"),
                        y=np.arange(3, dtype=np.uint8))

    # ---- hostile inputs ------------------------------------------------
    good = npy_bytes((np.arange(6, dtype="<f4") * 1.5).reshape(2, 3))
    write("bad_truncated.npy", good[:-4])
    write("bad_trailing.npy", good + b"\x00\x00")
    write("bad_magic.npy", b"\x93NUMPX" + good[6:])
    write("bad_version.npy", good[:6] + b"\x09\x00" + good[8:])

    def raw_npy(header):
        """A v1.0 file with a hand-written header dict and no data."""
        h = header.encode("latin1")
        total = 10 + len(h) + 1
        pad = (-total) % 64
        h = h + b" " * pad + b"\n"
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h

    # product overflows Int64
    write("bad_huge_shape.npy",
          raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"))
    # product fits but the file holds no data
    write("bad_size_mismatch.npy",
          raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }"))
    write("bad_negative_shape.npy",
          raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"))
    write("bad_missing_key.npy", raw_npy("{'descr': '<f4', 'shape': (0,), }"))
    write("bad_header_syntax.npy",
          raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,) "))
    # object array: a pickle, must be refused without unpickling
    save("bad_object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    # structured dtype
    save("bad_structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]))

    # npz member named .npy that is not an npy file
    with zipfile.ZipFile(path("bad_member_not_npy.npz"), "w") as z:
        z.writestr("a.npy", b"hello, not numpy")

    # npz whose central directory declares a smaller size than the npy header needs
    member = npy_bytes(np.arange(16, dtype="<f8"))
    with zipfile.ZipFile(path("bad_member_size.npz"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.npy", member + b"\x00" * 4)  # declared size = header + data + 4

    # deflated member whose deflate stream is truncated: a stored block claiming
    # 65535 bytes, of which only a few exist. A naive inflate loop spins at EOF.
    payload = npy_bytes(np.arange(4, dtype="<i4"))
    raw = b"\x00" + struct.pack("<HH", 0xFFFF, 0x0000) + payload[:20]
    lfh_name = b"a.npy"
    crc = zlib.crc32(payload)
    lfh = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), len(payload),
                      len(lfh_name), 0) + lfh_name
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(raw),
                     len(payload), len(lfh_name), 0, 0, 0, 0, 0o100644 << 16, 0) + lfh_name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(cd), len(lfh) + len(raw), 0)
    write("bad_truncated_deflate.npz", lfh + raw + cd + eocd)

    # zip bombs: deflated members whose declared size lies.
    #  - inflates past the declared size (declared = the npy part only, stream has 100 kB more)
    #  - declares far more than deflate can produce from its compressed bytes
    write("bad_inflates_past_declared.npz",
          patched_zip(npy_bytes(np.arange(4, dtype="<i4")) + b"\x00" * 100_000,
                      declared=len(npy_bytes(np.arange(4, dtype="<i4")))))
    write("bad_declared_huge.npz", patched_zip(npy_bytes(np.arange(4, dtype="<i4")), declared=0xFFFFFFF0))

    # a file that is not a zip at all
    write("bad_not_zip.npz", b"this is not a zip archive")


if __name__ == "__main__":
    main()
