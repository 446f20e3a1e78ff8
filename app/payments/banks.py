"""The Vietnamese banks of the NAPAS network: BIN, the short name people know, the legal name.

VietQR codes and payout batches carry a bank's BIN (its 6-digit NAPAS code), which nobody
reads: pages show the short name, and forms offer this list instead of asking for a code.
Reference data kept in code: it changes seldom and every worker needs it without a query.
Legal names are the banks' own (Vietnamese); a renamed bank keeps its BIN.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str  # the legal name, in Vietnamese

    @property
    def label(self) -> str:
        return f"{self.short_name} – {self.name}"


BANKS: tuple[Bank, ...] = tuple(
    Bank(*row)
    for row in (
        ("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
        ("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
        ("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
        ("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
        ("970446", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
        ("970422", "MB", "Ngân hàng TMCP Quân đội"),
        ("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
        ("970416", "ACB", "Ngân hàng TMCP Á Châu"),
        ("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
        ("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
        ("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
        ("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
        ("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
        ("970443", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
        ("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
        ("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
        ("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
        ("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
        ("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
        ("970425", "ABBANK", "Ngân hàng TMCP An Bình"),
        ("970409", "BacABank", "Ngân hàng TMCP Bắc Á"),
        ("970454", "BVBank", "Ngân hàng TMCP Bản Việt"),
        ("970438", "BaoVietBank", "Ngân hàng TMCP Bảo Việt"),
        ("970412", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
        ("970419", "NCB", "Ngân hàng TMCP Quốc Dân"),
        ("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
        ("970427", "VietABank", "Ngân hàng TMCP Việt Á"),
        ("970433", "VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
        ("970452", "KienlongBank", "Ngân hàng TMCP Kiên Long"),
        ("970430", "PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển"),
        ("970400", "SaigonBank", "Ngân hàng TMCP Sài Gòn Công Thương"),
        ("970429", "SCB", "Ngân hàng TMCP Sài Gòn"),
        ("970406", "Vikki Bank", "Ngân hàng TNHH MTV Số Vikki"),
        ("970414", "MBV", "Ngân hàng TNHH MTV Việt Nam Hiện Đại"),
        ("970444", "VCBNeo", "Ngân hàng TNHH MTV Ngoại thương Công nghệ số"),
        ("970408", "GPBank", "Ngân hàng TNHH MTV Dầu Khí Toàn Cầu"),
        ("970421", "VRB", "Ngân hàng Liên doanh Việt - Nga"),
        ("970434", "Indovina Bank", "Ngân hàng TNHH Indovina"),
        ("970424", "Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
        ("970457", "Woori Bank", "Ngân hàng TNHH MTV Woori Việt Nam"),
        ("970458", "UOB", "Ngân hàng TNHH MTV United Overseas Bank (Việt Nam)"),
        ("970410", "Standard Chartered", "Ngân hàng TNHH MTV Standard Chartered Bank Việt Nam"),
        ("970439", "Public Bank", "Ngân hàng TNHH MTV Public Việt Nam"),
        ("970442", "Hong Leong Bank", "Ngân hàng TNHH MTV Hong Leong Việt Nam"),
        ("458761", "HSBC", "Ngân hàng TNHH MTV HSBC (Việt Nam)"),
        ("422589", "CIMB", "Ngân hàng TNHH MTV CIMB Việt Nam"),
        ("546034", "CAKE", "Ngân hàng số CAKE by VPBank"),
        ("546035", "Ubank", "Ngân hàng số Ubank by VPBank"),
        ("963388", "Timo", "Ngân hàng số Timo by Bản Việt"),
        ("668888", "KBank", "Ngân hàng Đại chúng TNHH Kasikornbank - Chi nhánh TP. Hồ Chí Minh"),
        ("796500", "DBS Bank", "DBS Bank Ltd - Chi nhánh TP. Hồ Chí Minh"),
    )
)
_BY_BIN = {bank.bin: bank for bank in BANKS}


def bank_by_bin(bin_code: str | None) -> Bank | None:
    return _BY_BIN.get((bin_code or "").strip())


def bank_name(bin_code: str | None) -> str:
    """The short name of the bank with this BIN, or the BIN itself for a bank not listed."""
    bank = bank_by_bin(bin_code)
    return bank.short_name if bank is not None else (bin_code or "")
