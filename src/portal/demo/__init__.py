"""Demo data: a SaaS NPS survey and app-store reviews of four apps, generated in code with a fixed seed.

The frames look like real exports (text values with the headers such tools write) and are imported like any
uploaded file. Each one tells a story a first-time visitor can find on the portal's pages:

* **Acme NPS survey** — 18 months of responses. Overall NPS is about +25; Enterprise customers and North
  America score a bit higher, APAC and the Support touchpoint lower. A price increase about seven months before
  the end causes a clear dip that partly recovers. Comments cover ten themes with several phrasings each, and
  one theme ("the mobile app crashes / sync errors since the update") grows sharply in the last quarter.
* **App store reviews** — our app (Acme) and three competitors (Globex, Initech, Umbrella). Acme's average
  rating sits in the middle of the pack: it is ahead on ease of use and design and trails on sync / offline mode
  and customer support. Each brand has themes of its own, some reviews are very short and about 5 % are in
  Spanish, German or French.

Nothing is downloaded or read from disk; the same seed always gives the same frame.
The package: ``story`` (dates), ``templates``, ``survey`` and ``reviews`` (with their word lists) and ``catalogue``.
"""

from __future__ import annotations

from portal.demo.catalogue import DEMO_DATASETS, DemoDataset, write_demo_csvs
from portal.demo.reviews import REVIEW_COLUMNS, reviews_frame
from portal.demo.story import DEMO_END, app_update_date, price_change_date
from portal.demo.survey import REASON_QUESTION, SCORE_QUESTION, SURVEY_COLUMNS, survey_frame

__all__ = [
    "DEMO_DATASETS",
    "DEMO_END",
    "DemoDataset",
    "REASON_QUESTION",
    "REVIEW_COLUMNS",
    "SCORE_QUESTION",
    "SURVEY_COLUMNS",
    "app_update_date",
    "price_change_date",
    "reviews_frame",
    "survey_frame",
    "write_demo_csvs",
]
