"""Tests for the VietQR payload builder: structure, CRC, folding, validation, SVG."""

import pytest
import segno

from app.payments.vietqr import (
    VietQRError,
    build_payload,
    crc16_ccitt_false,
    parse_tlv,
    qr_svg,
)

GOOD = {
    "bank_bin": "970436",
    "account_no": "0011001234567",
    "amount_vnd": 150000,
    "message": "Thanh toán đơn CHX-1001",
}


def test_crc_check_value():
    # The catalogued check value for CRC-16/CCITT-FALSE.
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_payload_structure():
    payload = build_payload(**GOOD)
    top = parse_tlv(payload)
    assert list(top) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert top["00"] == "01"
    assert top["01"] == "12"
    assert top["53"] == "704"
    assert top["54"] == "150000"
    assert top["58"] == "VN"
    merchant = parse_tlv(top["38"])
    assert list(merchant) == ["00", "01", "02"]
    assert merchant["00"] == "A000000727"
    assert merchant["02"] == "QRIBFTTA"
    assert parse_tlv(merchant["01"]) == {"00": "970436", "01": "0011001234567"}
    assert parse_tlv(top["62"]) == {"08": "Thanh toan don CHX1001"}
    # Lengths re-encode to exactly the original string.
    rebuilt = "".join(f"{k}{len(v):02d}{v}" for k, v in top.items())
    assert rebuilt == payload


def test_crc_validates():
    payload = build_payload(**GOOD)
    assert payload[-8:-4] == "6304"
    expected = crc16_ccitt_false(payload[:-4].encode("ascii"))
    assert payload[-4:] == f"{expected:04X}"
    assert payload[-4:] == payload[-4:].upper()


@pytest.mark.parametrize(
    "message, folded",
    [
        ("Thanh toán đơn CHX-1001", "Thanh toan don CHX1001"),
        ("ĐẶT HÀNG   số 7!", "DAT HANG so 7"),
        ("  Nguyễn Văn Ấn  ", "Nguyen Van An"),
    ],
)
def test_message_folding(message, folded):
    payload = build_payload(**{**GOOD, "message": message})
    assert parse_tlv(parse_tlv(payload)["62"])["08"] == folded


@pytest.mark.parametrize(
    "field, value",
    [
        ("bank_bin", "97043"),
        ("bank_bin", "97043a"),
        ("bank_bin", 970436),
        ("account_no", ""),
        ("account_no", "1" * 20),
        ("account_no", "0011-0012"),
        ("amount_vnd", 0),
        ("amount_vnd", -5),
        ("amount_vnd", True),
        ("amount_vnd", 1.5),
        ("amount_vnd", "1000"),
        ("amount_vnd", 10**13),
        ("message", ""),
        ("message", "!!! --- ???"),
        ("message", "x" * 26),
    ],
)
def test_bad_inputs(field, value):
    with pytest.raises(VietQRError, match=field):
        build_payload(**{**GOOD, field: value})


def test_limits_accepted():
    payload = build_payload(
        bank_bin="970436", account_no="A" * 19, amount_vnd=10**13 - 1, message="x" * 25
    )
    assert parse_tlv(payload)["54"] == "9" * 13


def test_parse_tlv_rejects_truncated():
    with pytest.raises(VietQRError):
        parse_tlv("0010abc")


def test_svg():
    payload = build_payload(**GOOD)
    svg = qr_svg(payload, title="Chuyển khoản CHX-1001")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "<title>Chuyển khoản CHX-1001</title>" in svg
    qr = segno.make_qr(payload, error="m")
    assert not qr.is_micro
    assert 4 <= qr.version <= 10
    assert qr.symbol_size(scale=4, border=2) == (int(svg.split('width="')[1].split('"')[0]),) * 2
