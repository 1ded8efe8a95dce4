"""Lesson 14, exercise 14.5: the afternoons ``wash_rule`` is scored on.

``scored_tokens()`` builds them when the check first runs, with the generator the
lesson uses (``refimpl.audit.build_dataset``, seeds 229-242; about a second each), in
the way ``l14.TOKENS`` was made (tokens with fewer than two sales left out unless
washed; values rounded to 3 decimals). They are written nowhere, so no table of them
can be copied from the course.

``HELD_OUT`` (seeds 215-228) is the table earlier versions scored on. It was
importable, so a rule could memorise it: it is kept only as the data of that
known-wrong answer (``l14._memorised_held_out``), and the check no longer uses it.
``tests/test_checks_refs.py`` regenerates two of its seeds and compares.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["HELD_OUT", "SCORED_SEEDS", "scored_tokens", "token_rows"]

#: the seeds of the fourteen scored afternoons (never shown as data)
SCORED_SEEDS = tuple(range(229, 243))


def token_rows(seed: int) -> list[tuple[tuple[float, ...], bool]]:
    """One afternoon's (token features in ``TOKEN_FEATURES`` order, washed?) rows."""
    from refimpl.audit import build_dataset

    d = build_dataset([seed])[0]
    table, truth = d.tables["token"], d.truth_of("token")
    rows = []
    for e in table.ids:
        row, washed = table.row(e), truth[e] != "normal"
        if row["sales"] >= 2 or washed:
            rows.append((tuple(round(float(row[n]), 3) for n in table.names), washed))
    return rows


@lru_cache(maxsize=1)
def scored_tokens() -> tuple[tuple[tuple[float, ...], bool], ...]:
    """The rows of the scored afternoons, generated once per process."""
    return tuple(row for seed in SCORED_SEEDS for row in token_rows(seed))


#: seed -> [(feature values in l14.TOKEN_NAMES order, washed?), ...]; no longer
#: scored (see the module docstring)
HELD_OUT: dict[int, list[tuple[tuple[float, ...], bool]]] = {
    215: [
        ((3.0, 1.0, 0.0, 0.0, 0.0, 0.629, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.07, 7.0), False),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.54, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.328, 12.0), False),
        ((5.0, 0.667, 2.0, 4.0, 1.0, 2.727, 1.75), True),
    ],
    216: [
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.693, 7.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.303, 11.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.37, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.773, 6.0), False),
        ((6.0, 0.571, 3.0, 4.0, 1.0, 3.668, 2.2), True),
    ],
    217: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.354, 2.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.047, 6.0), False),
        ((6.0, 0.286, 5.0, 2.0, 1.0, 2.925, 2.0), True),
    ],
    218: [
        ((4.0, 1.0, 0.0, 0.0, 0.667, 0.972, 7.333), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.358, 4.0), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.823, 11.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.324, 2.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 1.179, 6.0), False),
        ((6.0, 0.286, 5.0, 2.0, 1.0, 4.061, 2.0), True),
        ((3.0, 0.5, 2.0, 2.0, 1.0, 1.819, 1.5), True),
    ],
    219: [
        ((3.0, 1.0, 0.0, 0.0, 1.0, 2.228, 8.5), False),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.417, 5.5), False),
        ((3.0, 0.75, 1.0, 2.0, 1.0, 1.367, 7.0), False),
        ((3.0, 0.75, 1.0, 2.0, 0.5, 0.969, 11.0), False),
        ((3.0, 0.75, 1.0, 2.0, 0.0, 0.384, 7.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 0.989, 6.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.592, 12.0), False),
        ((4.0, 0.8, 1.0, 4.0, 1.0, 2.441, 2.0), True),
    ],
    220: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.399, 12.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.164, 4.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.452, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.483, 9.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.607, 6.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.289, 4.0), False),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.763, 1.5), True),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.811, 2.0), True),
    ],
    221: [
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.731, 4.0), False),
        ((4.0, 1.0, 0.0, 0.0, 0.667, 1.54, 6.667), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.34, 6.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.426, 5.0), False),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.599, 8.0), False),
        ((4.0, 0.6, 2.0, 3.0, 1.0, 1.975, 3.0), True),
        ((3.0, 0.75, 1.0, 3.0, 1.0, 1.456, 3.0), True),
    ],
    222: [
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.983, 9.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.256, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.429, 6.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.346, 4.0), False),
        ((4.0, 1.0, 0.0, 0.0, 1.0, 2.573, 7.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.29, 11.0), False),
        ((3.0, 0.5, 2.0, 2.0, 1.0, 1.522, 3.0), True),
        ((6.0, 0.286, 5.0, 2.0, 1.0, 4.109, 2.0), True),
    ],
    223: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.56, 3.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 1.416, 8.0), False),
        ((3.0, 1.0, 0.0, 0.0, 1.0, 1.633, 9.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 1.319, 10.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.235, 8.0), False),
        ((3.0, 0.75, 1.0, 3.0, 1.0, 1.87, 3.0), True),
    ],
    224: [
        ((3.0, 1.0, 0.0, 0.0, 0.5, 1.219, 9.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 1.036, 10.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.402, 12.0), False),
        ((4.0, 1.0, 0.0, 0.0, 0.667, 1.967, 8.0), False),
        ((5.0, 0.333, 4.0, 2.0, 1.0, 2.927, 2.0), True),
        ((5.0, 0.333, 4.0, 2.0, 1.0, 2.365, 2.5), True),
    ],
    225: [
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.91, 8.0), False),
        ((3.0, 0.75, 1.0, 2.0, 1.0, 1.519, 8.0), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.743, 9.0), False),
        ((6.0, 0.286, 5.0, 2.0, 1.0, 3.96, 2.4), True),
        ((3.0, 0.5, 2.0, 2.0, 1.0, 1.519, 2.0), True),
    ],
    226: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.533, 4.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.492, 7.0), False),
        ((5.0, 0.333, 4.0, 2.0, 1.0, 3.159, 1.75), True),
    ],
    227: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.223, 3.0), False),
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.15, 4.0), False),
        ((3.0, 1.0, 0.0, 0.0, 0.5, 0.826, 4.5), False),
        ((5.0, 0.667, 2.0, 4.0, 1.0, 2.522, 2.25), True),
    ],
    228: [
        ((2.0, 1.0, 0.0, 0.0, 1.0, 1.292, 12.0), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.964, 6.0), False),
        ((3.0, 0.75, 1.0, 2.0, 0.5, 0.81, 8.5), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.997, 11.0), False),
        ((2.0, 1.0, 0.0, 0.0, 0.0, 0.93, 12.0), False),
        ((6.0, 0.571, 3.0, 4.0, 1.0, 5.102, 3.0), True),
    ],
}
