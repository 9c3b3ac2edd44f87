"""Hand-written sources of the shipped description corpus.

Each module holds one ``SOURCE`` string in a small block format, one block per class, in label order::

    @ class name
    syn: synonym one | synonym two
    head: ...            (one line each for head, hands, arms, hips, legs, feet)
    vis: ...             (one line per visual description, at least four)

    @ class name <- ntu120                    (reuse the record of the same name in another corpus)
    @ class name <- ntu120:other class name   (reuse a record under another name)

``python -m sugar_hf.knowledge.corpus`` compiles them into ``descriptions/<corpus>.jsonl``; the JSONL files
are what the package loads, and a test checks that they match these sources.
"""

from . import ntu_a, ntu_b, ntu_c, nw_ucla, pku_mmd, toyota_smarthome, utd_mhad, utkinect

#: corpus -> the source strings that make it, in label order (NTU60 is the first 60 NTU120 records).
CORPUS_SOURCES: dict[str, tuple[str, ...]] = {
    "ntu120": (ntu_a.SOURCE, ntu_b.SOURCE, ntu_c.SOURCE),
    "pku_mmd": (pku_mmd.SOURCE,),
    "toyota_smarthome": (toyota_smarthome.SOURCE,),
    "nw_ucla": (nw_ucla.SOURCE,),
    "utd_mhad": (utd_mhad.SOURCE,),
    "utkinect": (utkinect.SOURCE,),
}
