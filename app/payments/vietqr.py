"""VietQR (NAPAS 247) payload builder for bank-transfer payments.

Buyers scan the QR with any Vietnamese banking app, which pre-fills the
beneficiary, amount and transfer message.  The payload follows the EMVCo
merchant-presented QR format as profiled by the NAPAS VietQR spec; we build it
ourselves (it is a few TLV fields plus a CRC) rather than calling a third-party
API, so checkout works offline and leaks no order data.
"""

from __future__ import annotations

import re
import unicodedata

from app.qr import qr_svg_inline
from app.validators import one_line

GUID = "A000000727"  # NAPAS application identifier
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
MAX_MESSAGE_LEN = 25


class VietQRError(ValueError):
    """Invalid input for a VietQR payload; the message names the field."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), the checksum EMVCo mandates."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    """Encode one field; the 2-digit length makes >99 chars unrepresentable."""
    if len(value) > 99:
        raise VietQRError(f"field {tag}: value longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def fold_message(message: str) -> str:
    """Reduce a transfer message to ASCII letters, digits and single spaces.

    Banking apps disagree on which characters survive in the purpose field, so
    only the universally safe set is kept: diacritics are folded (đ -> d) and
    all other characters, including '-', are dropped rather than rejected, so
    "Thanh toán đơn CHX-1001" becomes "Thanh toan don CHX1001".
    """
    text = message.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^A-Za-z0-9 ]", "", text)
    return one_line(text)


def build_payload(*, bank_bin: str, account_no: str, amount_vnd: int, message: str) -> str:
    """Return the full VietQR string, CRC included, for a fixed-amount transfer.

    Point of initiation is "12" (dynamic) because the amount is fixed per order.
    """
    if not isinstance(bank_bin, str) or not re.fullmatch(r"[0-9]{6}", bank_bin):
        raise VietQRError("bank_bin must be exactly 6 digits")
    if not isinstance(account_no, str) or not account_no:
        raise VietQRError("account_no must not be empty")
    if len(account_no) > 19:
        raise VietQRError("account_no must be at most 19 characters")
    if not re.fullmatch(r"[A-Za-z0-9]+", account_no):
        raise VietQRError("account_no must be ASCII letters and digits only")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise VietQRError("amount_vnd must be a positive integer (dong)")
    if len(str(amount_vnd)) > 13:
        raise VietQRError("amount_vnd must be at most 13 digits")
    folded = fold_message(message) if isinstance(message, str) else ""
    if not folded:
        raise VietQRError("message is empty after removing unsupported characters")
    if len(folded) > MAX_MESSAGE_LEN:
        raise VietQRError(f"message must be at most {MAX_MESSAGE_LEN} characters after folding")

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account_no)
    merchant = _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("38", merchant)
        + _tlv("53", "704")
        + _tlv("54", str(amount_vnd))
        + _tlv("58", "VN")
        + _tlv("62", _tlv("08", folded))
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_tlv(payload: str) -> dict[str, str]:
    """Split one TLV level into {tag: value}; used by tests and to verify payloads."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(payload):
        head = payload[pos : pos + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"malformed TLV header at offset {pos}")
        tag, length = head[:2], int(head[2:])
        value = payload[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise VietQRError(f"field {tag}: truncated value")
        fields[tag] = value
        pos += 4 + length
    return fields


def qr_svg(payload: str, *, title: str = "VietQR") -> str:
    """The payload as inline SVG for the order page (app.qr: never Micro QR, which banking
    apps cannot read)."""
    return qr_svg_inline(payload, title=title)
