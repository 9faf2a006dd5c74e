"""The day a build refers to, in a module of its own: a build whose inputs have not changed asks
for it, and nothing else (see build.digests), without importing the award checks."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone


def today() -> date:
    """The day the checks and statuses refer to: SOURCE_DATE_EPOCH (reproducible builds) or today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).date()
    return date.today()
