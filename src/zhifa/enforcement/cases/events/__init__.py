"""Guards and effects per workflow event. Importing this package registers every handler."""

from zhifa.enforcement.cases.events import decision, execution, investigation
from zhifa.enforcement.cases.events.base import HANDLERS, Ctx

__all__ = ["HANDLERS", "Ctx", "decision", "execution", "investigation"]
