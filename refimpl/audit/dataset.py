"""Scenarios turned into labelled feature tables (the model's data).

Labels come from :class:`~refimpl.audit.scenarios.Scenario` (the simulation), the
features from the chain alone (:func:`~refimpl.audit.features.chain_features`).
Introduced in lesson 14.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .features import FeatureTable, chain_features
from .scenarios import Scenario, make_scenario

__all__ = ["Labelled", "labelled", "build_dataset"]


@dataclass
class Labelled:
    """One scenario's three feature tables with the true label of every row."""

    seed: int
    tables: dict[str, FeatureTable]
    truth: dict[str, list[str]]
    scenario: Scenario

    def truth_of(self, kind: str) -> dict[str, str]:
        """Entity -> true label for one kind."""
        return dict(zip(self.tables[kind].ids, self.truth[kind], strict=True))


def labelled(scenario: Scenario) -> Labelled:
    """Features of the scenario's chain, labelled by the scenario."""
    tables = chain_features(scenario.chain)
    truth = {k: [scenario.label(k, e) for e in t.ids] for k, t in tables.items()}
    return Labelled(scenario.seed, tables, truth, scenario)


def build_dataset(seeds: Iterable[int], **kwargs: float) -> list[Labelled]:
    """``labelled(make_scenario(seed, **kwargs))`` for each seed."""
    return [labelled(make_scenario(s, **kwargs)) for s in seeds]  # type: ignore[arg-type]
