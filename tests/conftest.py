"""Shared test set-up.

Every ``check()`` appends a line to the learner's progress log; tests must never write
the real one (``.chainmind/`` in the working copy), so the whole session logs to a
temporary file unless ``CHAINMIND_PROGRESS`` already points somewhere.
"""

import atexit
import os
import shutil
import tempfile

if not os.environ.get("CHAINMIND_PROGRESS"):
    _PROGRESS_DIR = tempfile.mkdtemp(prefix="chainmind-progress-")
    atexit.register(shutil.rmtree, _PROGRESS_DIR, ignore_errors=True)
    os.environ["CHAINMIND_PROGRESS"] = os.path.join(_PROGRESS_DIR, "progress.jsonl")
