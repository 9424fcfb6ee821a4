"""People's names for the codes of outcomes and grounds (the codes are the law modules')."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec

OUTCOME_LABELS = {
    rec.Outcome.UPHELD: _("Upheld"),
    rec.Outcome.REVOKED: _("Revoked"),
    rec.Outcome.CHANGED: _("Changed"),
    rec.Outcome.DECLARED_UNLAWFUL: _("Declared unlawful"),
    rec.Outcome.DECLARED_VOID: _("Declared void"),
    rec.Outcome.ORDERED_TO_PERFORM: _("Ordered to perform"),
    rec.Outcome.DISMISSED: pgettext_lazy("reconsideration", "Dismissed"),
    lit.Judgment.DISMISSED: pgettext_lazy("reconsideration", "Dismissed"),
    lit.Judgment.ORDERED_TO_PAY: _("Ordered to pay"),
    lit.Judgment.AGREEMENT_LIABILITY: _("Liability under an administrative agreement"),
    lit.Judgment.SUIT_REJECTED: _("Suit rejected"),
    lit.Judgment.WITHDRAWN: _("Withdrawn"),
    lit.Judgment.MEDIATED: pgettext_lazy("appeal outcome", "Mediated"),
    "mediated": pgettext_lazy("appeal outcome", "Mediated"),
    "abandoned": _("Counts as abandoned"),
}
RECONSIDERATION_OUTCOMES = [(str(o), OUTCOME_LABELS[o]) for o in rec.Outcome]
JUDGMENTS = [
    (str(j), OUTCOME_LABELS[j])
    for j in lit.Judgment
    if j not in (lit.Judgment.WITHDRAWN, lit.Judgment.MEDIATED)
]
REFUSAL_GROUNDS = [(str(g), f"{rec.REFUSAL_ITEMS[g]}") for g in rec.RefusalGround]
SUSPENSION_GROUNDS = [(str(g), rec.SUSPENSION_ITEMS[g]) for g in rec.SuspensionGround]
TERMINATION_GROUNDS = [(str(g), rec.TERMINATION_ITEMS[g]) for g in rec.TerminationGround]
APPEARANCES = [
    (str(lit.Appearance.HEAD), _("The head of the agency")),
    (str(lit.Appearance.STAFF), _("Staff of the agency")),
    (str(lit.Appearance.LAWYER_ONLY), _("Only a lawyer")),
    (str(lit.Appearance.NONE), _("Nobody")),
]
