"""The portal's colours: one colour-blind-safe palette (Okabe & Ito) for every chart, readable in light and dark.

Good and bad are blue and vermillion, never green and red (the pair most colour-blind readers cannot tell
apart), and a colour never carries a meaning alone: charts pair it with a shape, an outline, a symbol or a
word. Ordered scales use viridis; scales around a centre use blue-orange. Lines and text drawn on the chart
itself (reference rules, labels, whiskers) are a mid grey that reads on the light and the dark theme alike.
"""

from __future__ import annotations

#: Okabe & Ito's eight colours (Color Universal Design), distinguishable with every common colour-vision deficiency.
BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, REDDISH_PURPLE = "#F0E442", "#0072B2", "#D55E00", "#CC79A7"

#: The main mark colour (bars, lines) and its band.
PRIMARY = BLUE
#: Better / above the rest / positive, and worse / below the rest / negative.
GOOD, BAD = BLUE, VERMILLION
#: Neither (no real difference, neutral sentiment) and too few to say.
NEUTRAL, FADED = "#8C8C8C", "#BDBDBD"
#: Marks that point something out: events on a timeline, a real change ringed on a trend.
EVENT, HIGHLIGHT = REDDISH_PURPLE, ORANGE
#: Rules, whiskers and labels drawn inside a chart: a mid grey, legible on white and on the dark theme.
INK = "#7F7F7F"
#: Text inside filled cells: dark on light fills, light on dark fills.
DARK_INK, LIGHT_INK = "#1A1A1A", "#FFFFFF"
#: A cell with no value or too few responses.
MISSING_FILL = "#D9D9D9"

#: Colours for unordered categories (brands), in order; black is left out so lines show on the dark theme.
CATEGORICAL: tuple[str, ...] = (BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, NEUTRAL)
#: Vega colour schemes: ordered values (low to high), and values either side of a centre.
SEQUENTIAL_SCHEME = "viridis"
DIVERGING_SCHEME = "blueorange"
#: Streamlit's named colours for Markdown text and metric deltas: better and worse.
GOOD_NAME, BAD_NAME = "blue", "orange"


def sentiment_colours() -> dict[str, str]:
    """Return the colour of each sentiment label."""
    return {"negative": BAD, "neutral": NEUTRAL, "positive": GOOD}
