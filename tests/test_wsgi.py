"""What a web process holds once the application is loaded."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOADED = """
import gc, sys
from qhreform.wsgi import application
print(gc.get_freeze_count(), "pypinyin" in sys.modules)
from collation import pinyin_key
print(pinyin_key("都兰"), "pypinyin" in sys.modules)
"""


def test_a_loaded_application_is_frozen_and_holds_no_pinyin_dictionary_until_a_key_is_made():
    """The URLconf (with the admin and the importer behind it) is loaded and frozen out of the
    garbage collector's walks; pypinyin's 55 MB of dictionaries wait for the first write."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # The last two lines: the application's log may come first.
    loaded, after_a_key = result.stdout.splitlines()[-2:]
    frozen, pinyin_loaded = loaded.split()
    assert int(frozen) > 50_000
    assert pinyin_loaded == "False"
    assert after_a_key == "du1lan2 True"
