"""A gallery widget for lesson 10: seed and style sliders showing the image.

Introduced in lesson 10. ipywidgets is imported only when :func:`gallery` is called, so
``refimpl.art`` works without a notebook.
"""

from __future__ import annotations

from typing import Any

from refimpl.art.arguments import check_int, check_size
from refimpl.art.pixels import pixel_sha256
from refimpl.art.png import to_png
from refimpl.art.renderer import STYLES, check_style, render

__all__ = ["SLIDER_MAX", "gallery"]

SLIDER_MAX = 999


def gallery(seed: int = 0, style: str = "classic", size: int = 192) -> Any:
    """A widget: a seed slider, a style selector, the image and its short pixel hash.

    Re-renders on every change (a 192 x 192 CPPN takes well under 0.1 s). The slider
    holds seeds ``0..SLIDER_MAX``; a bad seed, style or size is an ArtError.
    """
    seed = check_int(seed, "seed", 0, SLIDER_MAX, "(the slider's range)")
    style, size = check_style(style), check_size(size)
    import ipywidgets as widgets

    seed_slider = widgets.IntSlider(
        value=seed, min=0, max=SLIDER_MAX, description="seed"
    )
    style_picker = widgets.ToggleButtons(options=list(STYLES), value=style)
    image = widgets.Image(format="png", width=size, height=size)
    label = widgets.Label()

    def update(_change: object = None) -> None:
        pixels = render(seed_slider.value, style_picker.value, size)
        image.value = to_png(pixels)
        label.value = (
            f"{style_picker.value} #{seed_slider.value}: "
            f"pixel sha256 {pixel_sha256(pixels)[:16]}..."
        )

    seed_slider.observe(update, names="value")
    style_picker.observe(update, names="value")
    update()
    return widgets.VBox([style_picker, seed_slider, image, label])
