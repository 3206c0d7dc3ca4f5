"""`verdict doctor`'s parts below every platform: the report (one line per check, network
checks under a deadline) and the checks of the data (database, catalogue, public URL). Each
platform's own checks live in its package; `adapters.diagnose` runs them all."""

from __future__ import annotations

from adapters.doctor.report import Check, Status, passed

__all__ = ["Check", "Status", "passed"]
