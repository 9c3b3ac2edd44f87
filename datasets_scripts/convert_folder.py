"""Convert a folder of .npy/.npz skeleton arrays with a labels CSV (file,label[,subject,camera,setup,view,split]).

Usage: python datasets_scripts/convert_folder.py ARRAYS_DIR OUT_DIR --labels-csv labels.csv --layout ntu25
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402


def _extra(parser):
    parser.add_argument("--labels-csv", dest="labels_csv", type=Path, required=True)
    parser.add_argument("--layout", required=True, help="a layout preset name (ntu25, coco17, ...)")


if __name__ == "__main__":
    sys.exit(main("folder", extra=_extra))
