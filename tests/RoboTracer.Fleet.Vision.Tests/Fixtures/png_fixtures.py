#!/usr/bin/env python3
"""An independent PNG writer and reader (zlib + struct only), to cross-check RoboTracer.Fleet.Vision's codec.

  png_fixtures.py write DIR   writes one PNG per case below into DIR, and beside each NAME.png the pixels a reader
                              must get: NAME.rgb (8-bit RGB; alpha dropped, 16-bit samples rounded to 8 bits) and,
                              for 16-bit gray, NAME.gray16 (the samples, big-endian); the patterns are mirrored in
                              the PNG tests, and the codecs bench reads the expected files
  png_fixtures.py read FILE   decodes a non-interlaced PNG and prints one JSON line: width, height, bit depth,
                              colour type and the SHA-256 of the unfiltered scanlines (no filter bytes)
"""
import hashlib
import json
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prior, bpp):
    out = bytearray(len(row))
    for i, value in enumerate(row):
        left = row[i - bpp] if i >= bpp else 0
        up = prior[i]
        up_left = prior[i - bpp] if i >= bpp else 0
        predicted = [0, left, up, (left + up) // 2, paeth(left, up, up_left)][kind]
        out[i] = (value - predicted) & 0xFF
    return bytes(out)


def unfilter_row(kind, row, prior, bpp):
    out = bytearray(len(row))
    for i, value in enumerate(row):
        left = out[i - bpp] if i >= bpp else 0
        up = prior[i]
        up_left = prior[i - bpp] if i >= bpp else 0
        predicted = [0, left, up, (left + up) // 2, paeth(left, up, up_left)][kind]
        out[i] = (value + predicted) & 0xFF
    return bytes(out)


def pack_row(samples, bit_depth):
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << bit_depth) | s
        bits += bit_depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


# Adam7 passes (PNG spec §8.2): first column, first row, column step, row step.
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def filtered_image(width, height, channels, bit_depth, sample_rows, filter_of_row):
    bpp = max(1, channels * bit_depth // 8)
    stride = (width * channels * bit_depth + 7) // 8
    prior = bytes(stride)
    raw = bytearray()
    for y in range(height):
        row = pack_row(sample_rows[y], bit_depth)
        kind = filter_of_row(y)
        raw.append(kind)
        raw += filter_row(kind, row, prior, bpp)
        prior = row
    return raw


def write_png(path, width, height, bit_depth, color_type, sample_rows, filter_of_row, idat_parts=1, extra_chunks=(),
              interlaced=False):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    if interlaced:
        # Each pass is a small image of its own, filtered from its own first row (§8.2).
        raw = bytearray()
        for x0, y0, dx, dy in ADAM7:
            columns, rows = range(x0, width, dx), range(y0, height, dy)
            if len(columns) and len(rows):
                sub = [sum((sample_rows[y][x * channels:(x + 1) * channels] for x in columns), []) for y in rows]
                raw += filtered_image(len(columns), len(rows), channels, bit_depth, sub, filter_of_row)
    else:
        raw = filtered_image(width, height, channels, bit_depth, sample_rows, filter_of_row)
    compressed = zlib.compress(bytes(raw), 9)
    cuts = [len(compressed) * i // idat_parts for i in range(idat_parts + 1)]
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0))
    for kind, data in extra_chunks:
        body += chunk(kind, data)
    # An ancillary chunk the decoder must skip.
    body += chunk(b"tEXt", b"Comment\x00written by png_fixtures.py")
    for i in range(idat_parts):
        body += chunk(b"IDAT", compressed[cuts[i]:cuts[i + 1]])
    body += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(SIGNATURE + body)
    write_expected(path[:-len(".png")], bit_depth, color_type, sample_rows, extra_chunks)


def write_expected(stem, bit_depth, color_type, sample_rows, extra_chunks):
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    palette = dict(extra_chunks).get(b"PLTE", b"")
    to8 = lambda s: s if bit_depth == 8 else (s * 255 + 32767) // 65535 if bit_depth == 16 else s * 255 // ((1 << bit_depth) - 1)
    rgb = bytearray()
    for row in sample_rows:
        for x in range(0, len(row), channels):
            pixel = row[x:x + channels]
            if color_type == 3:
                rgb += palette[3 * pixel[0]:3 * pixel[0] + 3]
            elif color_type in (0, 4):
                rgb += bytes([to8(pixel[0])] * 3)
            else:
                rgb += bytes(to8(v) for v in pixel[:3])
    with open(stem + ".rgb", "wb") as f:
        f.write(bytes(rgb))
    if bit_depth == 16 and color_type == 0:
        with open(stem + ".gray16", "wb") as f:
            f.write(b"".join(struct.pack(">H", s) for row in sample_rows for s in row))


def write_all(directory):
    rgb = lambda x, y: [(x * 37 + y * 11) % 256, (x * 5 + y * 91 + 13) % 256, (x * x * 3 + y * 7) % 256]
    write_png(f"{directory}/rgb8.png", 7, 5, 8, 2,
              [sum((rgb(x, y) for x in range(7)), []) for y in range(5)], lambda y: y % 5, idat_parts=3)
    write_png(f"{directory}/rgba8.png", 6, 5, 8, 6,
              [sum((rgb(x, y) + [(x * 50 + y * 20) % 256] for x in range(6)), []) for y in range(5)], lambda y: 4 - y % 5)
    write_png(f"{directory}/gray8.png", 9, 5, 8, 0,
              [[(x * 29 + y * 53) % 256 for x in range(9)] for y in range(5)], lambda y: (y + 2) % 5, idat_parts=2)
    write_png(f"{directory}/gray_alpha8.png", 5, 5, 8, 4,
              [sum(([(x * 41 + y) % 256, (y * 60 + x) % 256] for x in range(5)), []) for y in range(5)], lambda y: (y + 3) % 5)
    write_png(f"{directory}/gray16.png", 6, 5, 16, 0,
              [[(x * 9001 + y * 1237) % 65536 for x in range(6)] for y in range(5)], lambda y: (y + 1) % 5)
    write_png(f"{directory}/rgb16.png", 4, 5, 16, 2,
              [sum(([(x * 4000 + y * 300) % 65536, (x * 123 + y * 17000) % 65536, (x * y * 999) % 65536] for x in range(4)), [])
               for y in range(5)], lambda y: y % 5)
    palette = b"".join(bytes([i * 16, 255 - i * 16, (i * 37) % 256]) for i in range(16))
    write_png(f"{directory}/palette4.png", 9, 5, 4, 3,
              [[(x + 2 * y) % 16 for x in range(9)] for y in range(5)], lambda y: y % 5,
              extra_chunks=[(b"PLTE", palette), (b"tRNS", bytes([0, 64, 128, 192]))])
    write_png(f"{directory}/gray1.png", 13, 5, 1, 0,
              [[(x * y + x) % 2 for x in range(13)] for y in range(5)], lambda y: y % 5)
    write_png(f"{directory}/gray2.png", 5, 5, 2, 0,
              [[(x + y) % 4 for x in range(5)] for y in range(5)], lambda y: (y + 4) % 5)
    write_png(f"{directory}/rgb8_interlaced.png", 11, 9, 8, 2,
              [sum((rgb(x, y) for x in range(11)), []) for y in range(9)], lambda y: (y + 1) % 5, interlaced=True)
    write_png(f"{directory}/gray16_interlaced.png", 10, 9, 16, 0,
              [[(x * 7411 + y * 2003) % 65536 for x in range(10)] for y in range(9)], lambda y: y % 5, interlaced=True)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == SIGNATURE, "signature"
    offset, idat, header = 8, b"", None
    while True:
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"CRC of {kind}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        offset += 12 + length
    width, height, bit_depth, color_type, _, _, interlace = header
    assert interlace == 0, "interlaced"
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bpp = max(1, channels * bit_depth // 8)
    stride = (width * channels * bit_depth + 7) // 8
    raw = zlib.decompress(idat)
    prior, out = bytes(stride), bytearray()
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter_row(raw[start], raw[start + 1:start + 1 + stride], prior, bpp)
        out += row
        prior = row
    print(json.dumps({"width": width, "height": height, "bitDepth": bit_depth, "colorType": color_type,
                      "sha256": hashlib.sha256(bytes(out)).hexdigest()}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write_all(sys.argv[2])
    else:
        read(sys.argv[2])
