"""Settings for the benchmark server: the project's own, plus a URLconf with a floor view.

DJANGO_SETTINGS_MODULE=bench.settings. BENCH_STATIC_ROOT, when set, is where collectstatic
writes (a temporary directory), so a benchmark never touches the project's staticfiles/.
"""

import os
from pathlib import Path

from qhreform.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

# The synthetic data and its seed_synthetic command live in the dev-only bench app.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

# The load generator makes thousands of requests from one address: the API's rate limit would
# refuse most of them.
API_RATE_LIMIT = None
