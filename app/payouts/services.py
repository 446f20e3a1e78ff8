"""The payouts blueprint's services, one concern per module; routes, commands and other
blueprints import them from here.

- balances: what a shop has earned and how it is paid; runs: payout runs and the bank batch;
- settlement: a payout sent by Stripe or marked paid/failed; reversals: refunds after a
  transfer; terms: commission rates, smallest payouts, manual adjustments;
- payout_accounts: bank details and Stripe Connect; statements; overview (the operator's).

They flush; the request, command or job commits (app.unit_of_work). Stripe is reached only
through stripe_gateway and never while a transaction is open: a payout is written (and its
money taken off the shop's available balance) first, committed with `commit_step`, then sent,
then marked paid or failed. The ledger itself is app.payouts.ledger.
"""

from app.payouts.balances import (  # noqa: F401
    PendingSale,
    has_bank_details,
    payout_method,
    payout_minimum,
    pending_sales,
    shop_balance,
    shop_payouts,
)
from app.payouts.errors import (  # noqa: F401
    PayoutError,
)
from app.payouts.overview import (  # noqa: F401
    commission_by_month,
    shops_with_balances_query,
)
from app.payouts.payout_accounts import (  # noqa: F401
    connect_onboarding_url,
    refresh_connect_status,
    update_bank_details,
)
from app.payouts.reversals import (  # noqa: F401
    reverse_transfer_for_refund,
)
from app.payouts.runs import (  # noqa: F401
    PlannedPayout,
    RunReport,
    bank_payouts,
    batch_csv,
    end_of_day,
    recent_runs,
    run_payouts,
    runs_waiting_for_batch_files,
    transfer_group,
    waiting_bank_payouts,
)
from app.payouts.settlement import (  # noqa: F401
    mark_failed,
    mark_paid,
    payout_by_id,
    resume_interrupted_transfers,
    send_transfer,
)
from app.payouts.statements import (  # noqa: F401
    Statement,
    StatementRow,
    current_month,
    month_bounds,
    parse_month,
    statement,
    statement_csv,
    statement_months,
)
from app.payouts.terms import (  # noqa: F401
    MAX_ADJUSTMENT_VND,
    MAX_BPS,
    adjust,
    set_category_commission,
    set_shop_terms,
)
