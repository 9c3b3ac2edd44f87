"""Convert a folder of .npy/.npz skeleton arrays with a labels CSV (file,label[,subject,camera,setup,view,split]).

Usage: python datasets_scripts/convert_folder.py ARRAYS_DIR OUT_DIR --labels-csv labels.csv --layout ntu25
       [--edges FILE] [--channels N] [--coordinate-channels N] [--split-by auto|column|subject|random|none] [--test-subjects a,b]
       [--test-fraction F] [--seed N]   (the same options as `sugar-hf convert folder`)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import main  # noqa: E402


def _extra(parser):
    parser.add_argument("--labels-csv", dest="labels_csv", type=Path, required=True)
    parser.add_argument(
        "--layout", default=None, help="a layout preset name (ntu25, coco17, ...) or a layout JSON"
    )
    parser.add_argument(
        "--edges", default=None, help="a custom skeleton: one 'i j' pair of 0-based joints a line"
    )
    parser.add_argument(
        "--center-joint", dest="center_joint", type=int, default=None, help="with --edges: the root"
    )
    parser.add_argument(
        "--channels", type=int, default=None, help="values per joint (default: the first array's)"
    )
    parser.add_argument("--coordinate-channels", dest="coordinate_channels", type=int, default=None,
                        help="the first N channels are positions, the rest values such as keypoint scores")  # fmt: skip
    parser.add_argument("--split-by", dest="split_by", default=None,
                        choices=["auto", "column", "subject", "random", "none"], help="how to hold out a test split")  # fmt: skip
    parser.add_argument("--test-subjects", dest="test_subjects", default=None, type=lambda v: v.split(","),
                        help="--split-by subject: comma-separated subject ids for test")  # fmt: skip
    parser.add_argument("--test-fraction", dest="test_fraction", type=float, default=None,
                        help="--split-by subject|random: fraction held out")  # fmt: skip
    parser.add_argument("--seed", type=int, default=None, help="seed of --test-fraction splits")


if __name__ == "__main__":
    sys.exit(main("folder", extra=_extra))
