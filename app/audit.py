"""The audit log: one call, `record`, made inside the service that owns the transaction.

`record` only adds the entry to the session; it is written by the same commit as the
change it describes, so an action and its audit entry exist together or not at all.
"""

from app.extensions import db
from app.models.audit import AuditEntry


def record(
    action: str,
    target,
    actor=None,
    reason: str = "",
    label: str = "",
    **details,
) -> AuditEntry:
    """Log `action` (e.g. "product.approve") on `target` (a model instance) by `actor`."""
    entry = AuditEntry(
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "id", None),
        target_label=(label or str(getattr(target, "slug", "") or getattr(target, "id", "")))[:200],
        actor_id=getattr(actor, "id", None)
        if actor is not None and actor.is_authenticated
        else None,
        reason=reason,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry
