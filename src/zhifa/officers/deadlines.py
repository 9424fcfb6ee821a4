"""A credential's dates on the shared deadline engine (zhifa.foundation.deadlines).

Two rows run on a live credential (object type "officers.credential"), both with a last day the card
itself fixes (`FIXED` rows: no holiday adjustment) rather than a counted period:
- `credential_expiry`: the expiry printed on the card (行政处罚法第四十二条: only a holder of a valid
  credential enforces). It is the card's term, not a duty, so it is a party window: once past it
  closes as elapsed. A renewal closes it (moot) and opens one to the new date.
- `annual_review`: the annual review (年审) falls due a year after issue or after the last passed
  review (`law.officers.next_review_due`); a passed review meets it and opens the next.
A revoked or expired card ends both.

The credential keeps `review_due_on`, a copy of the latest review row, for lists and the alerts; it is
written only by `track`/`review_passed` below, from the engine's rows. `expires_on` stays the card's own
fact (what is printed on it); the engine row follows it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhifa.foundation.deadlines import services as deadlines
from zhifa.law import officers as law
from zhifa.officers.models import Credential

OBJECT_TYPE = "officers.credential"
EXPIRY, REVIEW = "credential_expiry", "annual_review"
LIVE = (Credential.Status.VALID, Credential.Status.SUSPENDED)


def subject(credential: Credential) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, credential.pk, credential.agency_id)


def _open_review(credential: Credential, start_on: dt.date) -> None:
    deadlines.deadline_open_fixed(
        subject(credential),
        kind=REVIEW,
        start_on=start_on,
        due_on=law.next_review_due(start_on),
        article=law.ENFORCEMENT_ARTICLE,
    )


def _sync(credential: Credential) -> list[str]:
    row = deadlines.latest(subject(credential), [REVIEW])
    due = row.due_on if row is not None else None
    if due == credential.review_due_on:
        return []
    credential.review_due_on = due
    return ["review_due_on"]


def track(credential: Credential, *, today: dt.date | None = None) -> list[str]:
    """Bring the engine's rows in step with the credential after any change (issue, renewal,
    suspension, revocation, expiry); the fields to save."""
    today = today or timezone.localdate()
    s = subject(credential)
    rows = deadlines.open_rows(s)
    if credential.status not in LIVE:
        for row in rows:
            if row.kind == EXPIRY and credential.status == Credential.Status.EXPIRED:
                deadlines.deadline_resolve(
                    s, kind=EXPIRY, on=row.due_on, resolution=deadlines.Resolution.ELAPSED
                )
            else:
                deadlines.deadline_resolve(
                    s,
                    kind=row.kind,
                    on=today,
                    resolution=deadlines.Resolution.MOOT,
                    explanation=credential.status,
                )
        return _sync(credential)
    expiry = [r for r in rows if r.kind == EXPIRY]
    if expiry and expiry[-1].due_on != credential.expires_on:  # renewed
        deadlines.deadline_resolve(
            s, kind=EXPIRY, on=today, resolution=deadlines.Resolution.MOOT, explanation="renewed"
        )
        expiry = []
    if not expiry:
        deadlines.deadline_open_fixed(
            s,
            kind=EXPIRY,
            start_on=credential.issued_on,
            due_on=credential.expires_on,
            article=law.ENFORCEMENT_ARTICLE,
            party_window=True,
        )
    if not any(r.kind == REVIEW for r in rows) and deadlines.latest(s, [REVIEW]) is None:
        _open_review(credential, credential.issued_on)
    return _sync(credential)


def review_passed(credential: Credential, reviewed_on: dt.date) -> list[str]:
    """年审 passed: the running review is met (or late) and the next falls due a year on."""
    deadlines.deadline_resolve(subject(credential), kind=REVIEW, on=reviewed_on)
    _open_review(credential, reviewed_on)
    return _sync(credential)


def describe(credential_id: int) -> str:
    credential = Credential.objects.filter(pk=credential_id).only("number").first()
    return str(credential) if credential is not None else f"{OBJECT_TYPE}:{credential_id}"
