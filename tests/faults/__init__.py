"""Parts failing: Redis, PostgreSQL, gunicorn workers, Stripe, disks, the search index, mail.

Tests here break real processes and real files (no mocks): they stop servers, kill workers,
make folders unwritable and make the Stripe fake misbehave, then check what buyers, staff
and the database show. tests/faults/stack.py starts the servers and the load loop.
"""
