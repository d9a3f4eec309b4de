#!/usr/bin/env python3
"""Writes tests/data/paper/payload.vectors: QR payloads (docs/paper.md) signed with the fixed
test key of tests/data/record/example.seed, computed here independently of the C code
(Python's `cryptography` package for Ed25519). test_paper_payload checks its payloads against
this file. Usage: payload_vectors.py > tests/data/paper/payload.vectors"""

import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
root = Path(__file__).resolve().parents[2]
seed = bytes.fromhex((root / "tests/data/record/example.seed").read_text().strip())
key = Ed25519PrivateKey.from_private_bytes(seed)
pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def escape(value: str) -> str:
    out = []
    for b in value.encode("utf-8"):
        if b in (0x3A, 0x25) or b < 0x20 or b == 0x7F:
            out.append("%%%02X" % b)
        else:
            out.append(chr(b) if b < 0x80 else bytes([b]).decode("latin-1"))
    # Rebuild as bytes: non-ASCII bytes pass through unchanged.
    return "".join(out).encode("latin-1").decode("utf-8")


def base32(data: bytes) -> str:
    bits = int.from_bytes(data, "big") << 3  # 512 bits + 3 zero bits = 103 symbols
    return "".join(CROCKFORD[(bits >> (5 * (102 - i))) & 31] for i in range(103))


def payload(exam: str, code: str, page: int, pages: int) -> str:
    signed = "BILET1:%s:%s:%d/%d:%s" % (escape(exam), escape(code), page, pages,
                                        pub[:8].hex().upper())
    sig = key.sign(signed.encode("utf-8"))
    return signed + ":" + base32(sig)


def show(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t")


cases = [
    ("2026-12-GD-101", "4J42-XCS6", 1, 2),
    ("2026-12-GD-101", "4J42-XCS6", 2, 2),
    ("ГД:2026 %50", "ГД-21-017", 3, 12),
    ("a\tb", "K7Q2-M9XD", 999, 999),
]
print("# QR payload vectors: exam<TAB>code<TAB>page<TAB>pages<TAB>payload; key: "
      "tests/data/record/example.seed; \\t and \\\\ stand for a tab and a backslash.")
for exam, code, page, pages in cases:
    print("\t".join([show(exam), show(code), str(page), str(pages), payload(exam, code, page, pages)]))
