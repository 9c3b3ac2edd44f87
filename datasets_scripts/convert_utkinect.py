"""Convert a raw utkinect folder into a Hugging Face DatasetDict per official split config.

Usage: python datasets_scripts/convert_utkinect.py RAW_DIR OUT_DIR [--workers N] [--push-to-hub REPO]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(
        main(
            "utkinect",
            extra=lambda p: p.add_argument(
                "--label-file",
                dest="label_file",
                type=Path,
                help="actionLabel.txt or actionLabel_modified.txt",
            ),
        )
    )
