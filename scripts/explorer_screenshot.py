"""Screenshot a phase_explorer.html in headless Chromium, with a point selected (the README's figure).

    python scripts/explorer_screenshot.py PAGE OUT.png [--point KAPPA,NU] [--reverse]

The README's docs/figures/theory_phase_explorer.png is the page that `scripts/diagnose.py ... explorer=true` writes
for the example dataset, with the point (0.9, 0.6) selected and the y -> x boundary shown (see README).
"""

from __future__ import annotations

import argparse
import sys

from alignpredict.explorer.chromium import BrowserError, HeadlessChromium


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a phase_explorer.html")
    parser.add_argument("out", help="the PNG to write")
    parser.add_argument("--point", default=None, help="KAPPA,NU to select (typed into the page's point boxes)")
    parser.add_argument("--reverse", action="store_true", help="also draw the Delta_CP(y -> x) = 1 boundary")
    args = parser.parse_args()
    try:
        with HeadlessChromium() as browser:
            url = browser.open(args.page)
            if args.reverse:
                rect = browser.rect("show-reverse")
                browser.click(rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2)
            if args.point:
                kappa, nu = args.point.split(",")
                browser.type_into("point-kappa", kappa.strip())
                browser.type_into("point-nu", nu.strip())
            browser.evaluate("window.scrollTo(0, 0)")
            browser.screenshot(args.out)
            browser.evaluate("0")
            strangers = [u for u in browser.requests if u != url and not u.startswith("data:")]
            if browser.errors or strangers:
                print(f"error: page errors {browser.errors}, requests {strangers}", file=sys.stderr)
                return 1
    except (BrowserError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
