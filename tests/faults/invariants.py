"""What must hold in the database after any fault: checked by the fault tests and
bench/faults.py alike, with plain SQL on any database URL."""

import sqlalchemy as sa


def check(database_url: str, initial_stock: dict[int, int]) -> dict[str, bool]:
    """Each invariant by name: True when it holds.

    - every order whole: at least one shop order, each with at least one line, and the
      order's total the sum of its shop orders';
    - stock: for each product, stock now + units held by orders (lines of shop orders not
      cancelled, less units refunded, which went back on the shelf) equals the start;
    - the ledger balances: every transaction's entries sum to 0;
    - no payment counted twice: one payment row per Stripe PaymentIntent or transfer
      reference, and no order paid more than its total.
    """
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as db:
            q = lambda sql: db.execute(sa.text(sql)).all()  # noqa: E731
            broken_orders = q(
                """
                SELECT o.id FROM "order" o
                LEFT JOIN shop_order so ON so.order_id = o.id
                GROUP BY o.id, o.total_vnd
                HAVING count(so.id) = 0 OR o.total_vnd <> sum(so.total_vnd)
                """
            ) + q(
                """
                SELECT so.id FROM shop_order so
                LEFT JOIN order_line ol ON ol.shop_order_id = so.id
                GROUP BY so.id HAVING count(ol.id) = 0
                """
            )
            held = dict(
                q(
                    """
                    SELECT ol.product_id, sum(ol.qty - ol.refunded_qty)
                    FROM order_line ol JOIN shop_order so ON so.id = ol.shop_order_id
                    WHERE so.status <> 'cancelled' AND ol.product_id IS NOT NULL
                    GROUP BY ol.product_id
                    """
                )
            )
            stock = dict(q("SELECT id, stock FROM product"))
            unbalanced = q(
                "SELECT transaction_id FROM ledger_entry GROUP BY transaction_id "
                "HAVING sum(amount_vnd) <> 0"
            )
            paid_twice = q(
                """
                SELECT o.id FROM "order" o JOIN payment p ON p.order_id = o.id
                GROUP BY o.id, o.total_vnd HAVING sum(p.amount_vnd) > o.total_vnd
                """
            )
    finally:
        engine.dispose()
    return {
        "every order whole": not broken_orders,
        "stock + reserved/sold = start": all(
            stock.get(pid, 0) + (held.get(pid) or 0) == start
            for pid, start in initial_stock.items()
        ),
        "no stock below zero": all(value >= 0 for value in stock.values()),
        "ledger balances": not unbalanced,
        "no payment counted twice": not paid_twice,
    }


def order_numbers(database_url: str) -> list[str]:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as db:
            return list(db.execute(sa.text('SELECT number FROM "order" ORDER BY id')).scalars())
    finally:
        engine.dispose()
