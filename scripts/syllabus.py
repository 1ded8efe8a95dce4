"""Print the README's syllabus table from the lessons and their solution notebooks.

Usage: ``python scripts/syllabus.py`` and paste the output under "## Syllabus".
``tests/test_readme.py`` checks that every lesson and exercise notebook is listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from refimpl.course.course_map import LESSONS

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^#+ (?:Exercise|Question) (\d\d\.\d+): (.+)$", re.M)


def exercise_titles(path: Path) -> list[str]:
    if not path.exists():
        return []
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    return [f"{number} {title}" for number, title in HEADING.findall(text)]


def main() -> None:
    print("| # | lesson | you build | exercises |")
    print("|---|---|---|---|")
    for lesson in LESSONS:
        files = sorted((ROOT / "lessons").glob(f"{lesson.number:02d}_*.ipynb"))
        if not files:
            continue
        name = files[0].name
        titles = exercise_titles(ROOT / "solutions" / name)
        exercises = f"[exercises](exercises/{name}): " + "; ".join(titles)
        print(
            f"| {lesson.number:02d} | [{lesson.title}](lessons/{name}) "
            f"| `{lesson.builds}` | {exercises} |"
        )


if __name__ == "__main__":
    main()
