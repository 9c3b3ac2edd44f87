"""Convert a raw pku_mmd folder into a Hugging Face DatasetDict per official split config.

Usage: python datasets_scripts/convert_pku_mmd.py RAW_DIR OUT_DIR [--workers N] [--push-to-hub REPO]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(
        main(
            "pku_mmd",
            extra=lambda p: p.add_argument(
                "--label-dir",
                dest="label_dir",
                type=Path,
                help="folder of label files (default: the label* folder under RAW)",
            ),
        )
    )
