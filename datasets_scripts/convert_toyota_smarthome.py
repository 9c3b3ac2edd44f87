"""Convert a raw toyota_smarthome folder into a Hugging Face DatasetDict per official split config.

Usage: python datasets_scripts/convert_toyota_smarthome.py RAW_DIR OUT_DIR [--workers N] [--push-to-hub REPO]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(
        main(
            "toyota_smarthome",
            extra=lambda p: p.add_argument(
                "--dims", type=int, choices=(2, 3), default=3, help="3 = pose3d (default), 2 = pose2d"
            ),
        )
    )
