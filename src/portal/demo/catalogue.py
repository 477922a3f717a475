"""The demo data sets the portal offers, and writing them as CSV files."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from portal.demo.reviews import reviews_frame
from portal.demo.survey import survey_frame


@dataclass(frozen=True)
class DemoDataset:
    """One demo data set: its dataset name, kind (``survey`` or ``reviews``), a factory and a description, and
    the column holding its customer journey with the stages first to last (None: no journey)."""

    name: str
    kind: str
    frame_factory: Callable[[], pd.DataFrame]
    description: str
    journey: tuple[str, tuple[str, ...]] | None = None


DEMO_DATASETS: tuple[DemoDataset, ...] = (
    DemoDataset(
        name="Acme NPS survey",
        kind="survey",
        frame_factory=survey_frame,
        description=(
            "18 months of NPS responses from Acme's SaaS customers with plan, region, channel, touchpoint, MRR "
            "and a free-text reason. Look for the dip after the price increase and the mobile crash theme that "
            "grows in the last quarter."
        ),
        journey=("Touchpoint", ("Onboarding", "Product usage", "Support", "Billing", "Renewal")),
    ),
    DemoDataset(
        name="App store reviews",
        kind="reviews",
        frame_factory=reviews_frame,
        description=(
            "App-store reviews of Acme and three competitors (Globex, Initech, Umbrella). Acme is ahead on ease "
            "of use and design and trails on sync, offline mode and customer support."
        ),
    ),
)

def write_demo_csvs(folder: Path) -> list[Path]:
    """Write every demo data set as a UTF-8 CSV file into ``folder`` (created if needed); return the paths.

    Raises ``OSError`` when the folder cannot be created or written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for demo in DEMO_DATASETS:
        path = folder / (re.sub(r"\W+", "_", demo.name.lower()) + ".csv")
        demo.frame_factory().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
