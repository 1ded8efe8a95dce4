"""Sphinx configuration of the course website (issue 13): ``make site``.

``site/build_site.py`` stages the sources into ``build/site-src/`` (this file, the
home page made from the README, the lessons, the exercises without outputs and the
API reference) and runs ``sphinx-build -W`` there. Notebooks are rendered from their
committed outputs by myst-nb; nothing is executed.
"""

from __future__ import annotations

project = "ChainMind"
author = "the ChainMind authors"
copyright = "ChainMind authors, MIT licence"

extensions = ["myst_nb"]

# Render the committed outputs; never run a notebook.
nb_execution_mode = "off"
# Lessons print long tables; keep them whole rather than cut.
nb_merge_streams = True
# Widgets render from the state saved in each notebook, with the vendored html-manager
# (no require.js, no CDN). Paths are relative to _static/.
nb_ipywidgets_js = {"vendor/widgets/embed.js": {}}

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# MathJax 3, vendored: its fonts sit beside it (output/chtml/fonts/woff-v2).
mathjax_path = "vendor/mathjax/tex-chtml.js"

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

html_theme = "sphinx_book_theme"
html_title = "ChainMind"
html_static_path = ["_static"]
html_css_files = ["chainmind.css"]
# Before the widget script: lets its MathJax 2 call reach the vendored MathJax 3.
html_js_files = ["chainmind.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
    # No call-outs to anything online: the site is read offline.
    "icon_links": [],
}
