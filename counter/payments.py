"""How a dossier's fee was paid (thanh toán phí, lệ phí) and its receipt number.

The channels are those of ND 61/2018 art. 16 and ND 118/2025 art. 15 (shared/domain/README.md,
"Channels"): cash, bank transfer, through the postal operator, or online. The online share of
payments is an indicator of the province plan (Kế hoạch 3/KH-UBND 2024, annex 5.1: above 60%).
"""

from counter.dossier import PAYMENTS
from counter.errors import CounterError
from counter.text import clean_text

RECEIPT_NUMBER = 50  # a fee receipt (biên lai) number: a series and a number


def clean_payment(method: str | None, fee: int, receipt: str | None = "") -> tuple[str | None, str]:
    """(method or None, receipt number) for a dossier whose fee is `fee`."""
    number = clean_text(receipt, "Số biên lai thu phí, lệ phí", RECEIPT_NUMBER)
    if method in (None, ""):
        if number:
            raise CounterError("Có số biên lai thì phải ghi hình thức thanh toán (--payment).",
                               "a fee receipt needs a payment method")
        return None, ""
    if method not in PAYMENTS:
        raise CounterError(
            f"Hình thức thanh toán «{clean_text(method, 'Hình thức thanh toán', 40)}» không hợp lệ; "
            f"chọn {', '.join(PAYMENTS)}.",
            "payment must be cash, transfer, online or postal",
        )
    if fee == 0:
        raise CounterError("Hồ sơ không thu phí, lệ phí nên không ghi hình thức thanh toán.",
                           "no fee, so no payment method")
    return method, number
