"""Every write to complaints. One function per step: lock, check who and when (信访工作条例 via
zhifa.law.complaints), append the history row, save the changed fields, audit.

Audit entries never carry the complainant's identity: the audit log is read by supervisors, and
信访工作条例第三十条 forbids passing a reporter's details on.

Modules: `intake` (every channel), `handling` (acceptance to reply), `feedback` (satisfaction,
re-opening, duplicates, the daily jobs), `review` (复查/复核 going up a level), `conversion` (into a penalty case), `deadlines` (the periods on the shared engine), `common`
(helpers).
"""

from zhifa.public.complaints.services.common import (
    APPROVER_ROLES,
    HANDLER_ROLES,
    INTAKE_ROLES,
    TRACKING_ALPHABET,
    normalise_tracking_code,
)
from zhifa.public.complaints.services.conversion import (
    CONVERT_ROLES,
    complaint_convert_to_case,
    conversion_available,
)
from zhifa.public.complaints.services.deadlines import recompute_provisional_dues
from zhifa.public.complaints.services.feedback import (
    complaint_feedback,
    complaint_feedback_public,
    complaint_link_case,
    complaint_mark_duplicate,
    raise_sla_alerts,
)
from zhifa.public.complaints.services.handling import (
    complaint_accept,
    complaint_assign,
    complaint_extend,
    complaint_progress,
    complaint_redirect,
    complaint_refer,
    complaint_reject,
    complaint_reply,
)
from zhifa.public.complaints.services.intake import ComplaintInput, Route, complaint_submit, route
from zhifa.public.complaints.services.review import acts_for as review_acts_for
from zhifa.public.complaints.services.review import (
    complaint_review_answer,
    complaint_review_request,
    complaint_review_request_public,
)
from zhifa.public.complaints.services.workflow import REVIEWER_ROLES

__all__ = [
    "APPROVER_ROLES",
    "CONVERT_ROLES",
    "HANDLER_ROLES",
    "INTAKE_ROLES",
    "REVIEWER_ROLES",
    "TRACKING_ALPHABET",
    "ComplaintInput",
    "Route",
    "complaint_accept",
    "complaint_assign",
    "complaint_convert_to_case",
    "complaint_extend",
    "complaint_feedback",
    "complaint_feedback_public",
    "complaint_link_case",
    "complaint_mark_duplicate",
    "complaint_progress",
    "complaint_redirect",
    "complaint_refer",
    "complaint_reject",
    "complaint_reply",
    "complaint_review_answer",
    "complaint_review_request",
    "complaint_review_request_public",
    "complaint_submit",
    "conversion_available",
    "normalise_tracking_code",
    "raise_sla_alerts",
    "recompute_provisional_dues",
    "review_acts_for",
    "route",
]
