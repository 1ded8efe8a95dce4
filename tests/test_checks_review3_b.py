"""Checks 10.3, 10.5, 11.1, 12.1, 12.2 and 12.5 after a third learner's review.

Each test replays an answer the reviewer found accepted, written as the learner
wrote it, and holds that the check now refuses it (without the expected value)
while the right answer still passes.
"""

from __future__ import annotations

import base64
import math

import numpy as np
from check_replay import passes as _passes
from check_replay import refused as _refused

from refimpl.art import ArtError, from_png, pixel_sha256, render
from refimpl.course.checks import l10, l11, l12
from refimpl.nft import cid_v1, royalty_amount, sha256_from_cid


# -- 10.3 quantize_bits ---------------------------------------------------------------
def _quantize(v, bits, *, divide=False):
    v = min(max(v, 0.0), 1.0)
    x = v / (1 / (2**bits - 1)) if divide else v * (2**bits - 1)
    q = math.floor(x)
    return q + 1 if x - q >= 0.5 else q


def test_quantize_divided_by_the_step_is_refused():
    _passes(l10.quantize_bits, _quantize)
    message = _refused(l10.quantize_bits, lambda v, b: _quantize(v, b, divide=True))
    assert "quantize_bits(0.49999999999999994, 2) returned 2" in message


def test_quantize_near_half_cases_are_the_references():
    assert _quantize(0.49999999999999994, 2) == 1
    assert _quantize(0.3571428571428571, 3) == 2


# -- 10.5 same_image ------------------------------------------------------------------
def _same_by(reduce):
    def same_image(png_a, png_b):
        a, b = from_png(png_a), from_png(png_b)
        return a.shape == b.shape and bool(np.array_equal(reduce(a), reduce(b)))

    return same_image


def test_same_image_channel_averages_and_row_sums_are_refused():
    _passes(l10.same_image, _same_by(lambda a: a))
    message = _refused(l10.same_image, _same_by(lambda a: a.mean(2)))
    assert "p = p[:, :, ::-1]" in message  # red and blue swapped, shown as code
    message = _refused(
        l10.same_image, _same_by(lambda a: a.astype(np.int64).sum(axis=(1, 2)))
    )
    assert "render(" in message and "bytes>" not in message


# -- 11.1 digest_from_cid -------------------------------------------------------------
def _digest_letters(allowed):
    def digest_from_cid(cid):
        if not isinstance(cid, str) or len(cid) != 59 or cid[0] != "b":
            raise ValueError("not a CID")
        body = cid[1:]
        if any(ch not in "abcdefghijklmnopqrstuvwxyz234567" for ch in body):
            raise ValueError("not base32")
        if body[-1] not in allowed:
            raise ValueError("spare bits set")
        raw = base64.b32decode(body.upper() + "======")
        if raw[:4] != b"\x01\x55\x12\x20":
            raise ValueError("not a raw sha2-256 CIDv1")
        return raw[4:]

    return digest_from_cid


def test_digest_forgetting_4_as_last_letter_is_refused():
    assert cid_v1(b"chainmind 13").endswith("4")
    assert len(sha256_from_cid(cid_v1(b"chainmind 13"))) == 32
    _passes(l11.digest_from_cid, _digest_letters("aeimquy4"))
    _refused(l11.digest_from_cid, _digest_letters("aeimquy"))


# -- 12.1 which_metadata --------------------------------------------------------------
def _which(key):
    def which_metadata(token_uri, files):
        for name in sorted(files, key=key):
            if token_uri == "ipfs://" + cid_v1(files[name]):
                return name
        return None

    return which_metadata


def test_which_sorted_case_blind_is_refused():
    _passes(l12.which_metadata, _which(None))
    _refused(l12.which_metadata, _which(str.lower))


# -- 12.2 artist_income ---------------------------------------------------------------
def test_income_none_for_no_sales_is_told_the_text_asks_for_a_total():
    def income(prices, bps):
        if prices:
            return sum(royalty_amount(p, bps) for p in prices)
        return None

    message = _refused(l12.artist_income, income)
    assert "forget a `return`" not in message
    assert "the empty list" in message and "returned None" in message


# -- 12.5 broken_links ----------------------------------------------------------------
def test_broken_shape_blind_empty_answer_is_told_the_decoded_shape():
    def broken_links(seed, style, size, digest, png):
        try:
            file_ok = pixel_sha256(from_png(png)) == digest
        except ArtError:
            return ["file"]
        broken = [] if file_ok else ["file"]
        render_ok = pixel_sha256(render(seed, style, size)) == digest
        return broken + ([] if render_ok else ["render"])

    message = _refused(l12.broken_links, broken_links)
    assert "returned []" in message
    assert "decodes to pixels of shape (8, 32, 3)" in message
    assert "['file']" not in message and "check both links" not in message
