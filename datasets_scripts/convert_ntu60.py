"""Convert a raw ntu60 folder into a Hugging Face DatasetDict per official split config.

Usage: python datasets_scripts/convert_ntu60.py RAW_DIR OUT_DIR [--workers N] [--push-to-hub REPO]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(
        main(
            "ntu60",
            extra=lambda p: p.add_argument(
                "--missing-list",
                dest="missing_list",
                type=Path,
                help="official missing-skeleton list (default: found under RAW)",
            ),
        )
    )
