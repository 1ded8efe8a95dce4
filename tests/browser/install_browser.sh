#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser test (tests/browser/).
# Idempotent: when /usr/bin/chromium already runs (and the emoji font is there), it
# does nothing, in well under a second.
# Playwright drives this system browser; it never downloads a browser of its own.
# Exit code 0 when a browser is available afterwards, 1 when none could be installed
# (the test then skips with a message saying so).
set -u
BROWSER=""

browser_ok() {
    local exe
    for exe in "${CHAINMIND_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        if [ -n "$exe" ] && [ -x "$exe" ] && "$exe" --version >/dev/null 2>&1; then
            BROWSER="$exe"
            return 0
        fi
    done
    return 1
}

# The lessons print check marks and emoji: without a colour emoji font the
# screenshots show empty boxes.
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf

if browser_ok && [ -f "$EMOJI_FONT" ]; then
    echo "install_browser: $BROWSER is there ($("$BROWSER" --version 2>/dev/null))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get here; install Chromium by hand" \
        "(or set CHAINMIND_CHROMIUM=/path/to/chromium)" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_browser: not root and no password-less sudo;" \
            "run: sudo apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_browser: apt-get update && apt-get install chromium"
$SUDO apt-get update -qq || echo "install_browser: apt-get update failed" >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation \
    fonts-noto-color-emoji >/dev/null || echo "install_browser: apt-get install chromium failed" >&2

if browser_ok; then
    echo "install_browser: installed $BROWSER ($("$BROWSER" --version 2>/dev/null))"
    exit 0
fi
echo "install_browser: no usable Chromium after install" >&2
exit 1
