"""Write the README's screenshots (SVG) from a fresh demo database.

python scripts/screenshots.py            # writes docs/screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.demo import seed_demo

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SHOTS = {"dashboard": [], "participants": ["f3"], "groups": ["f4"]}


async def shoot(name: str, keys: list[str], lang: str) -> None:
    from spleis_tui.app import SpleisApp

    app = SpleisApp(lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ["", *keys]:
            if key:
                await pilot.press(key)
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
        suffix = "" if lang == "en" else f"-{lang}"
        app.save_screenshot(str(OUT / f"{name}{suffix}.svg"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        open_db(Path(folder) / "demo.db")
        seed_demo()
        for name, keys in SHOTS.items():
            asyncio.run(shoot(name, keys, "en"))
        asyncio.run(shoot("participants", ["f3"], "nb"))
        close_db()
    print(f"Wrote {len(SHOTS) + 1} screenshots to {OUT}")


if __name__ == "__main__":
    main()
