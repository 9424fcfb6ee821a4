"""Guards and effects per workflow event. Importing this package registers every handler."""

from zhifa.enforcement.cases.events import after_decision, decision, execution, investigation
from zhifa.enforcement.cases.events.base import HANDLERS, Ctx

__all__ = ["HANDLERS", "Ctx", "after_decision", "decision", "execution", "investigation"]
