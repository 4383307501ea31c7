"""Hypothesis's profiles: ``dev`` (the default) tries fewer examples, ``ci`` all of them.

``HYPOTHESIS_PROFILE=ci`` (what ``.ci/run`` sets) runs each property with the number of
examples its test names (``examples(300)``: 300), and hypothesis's own 100 where a test
names none. Without it the ``dev`` profile runs at most :data:`DEV_EXAMPLES` of each, for a
quicker run at the desk. Neither has a deadline: how long one example takes is the
machine's business (``bench/`` measures speed), not a reason for a test to fail.
"""

from __future__ import annotations

import os

from hypothesis import settings

DEV_EXAMPLES = 50

settings.register_profile("ci", deadline=None)
settings.register_profile("dev", deadline=None, max_examples=DEV_EXAMPLES)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """``count`` under the ``ci`` profile; at most :data:`DEV_EXAMPLES` under ``dev``."""
    return count if PROFILE == "ci" else min(count, DEV_EXAMPLES)
