"""Facts the Hub cards state about each corpus: full name, citation, terms of use, official split counts.

Every corpus sugar-hf converts is a research dataset distributed by its authors under their own terms; none
may be republished by default (see :func:`sugar_hf.hub.publish.push_dataset`). The citations and terms follow
the provenance notes of each corpus; the split counts are the published ones (``None`` where no full copy was
available to count).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUGAR_BIBTEX = """@inproceedings{sugar2026,
  title     = {{SUGAR}: Learning Skeleton Representation with Visual-Motion Knowledge for Action Recognition},
  booktitle = {Proceedings of the AAAI Conference on Artificial Intelligence},
  year      = {2026},
  eprint    = {2511.10091},
  archivePrefix = {arXiv},
  note      = {Author list: see arXiv:2511.10091}
}"""

CTRGCN_BIBTEX = """@inproceedings{chen2021ctrgcn,
  title     = {Channel-wise Topology Refinement Graph Convolution for Skeleton-Based Action Recognition},
  author    = {Chen, Yuxin and Zhang, Ziqi and Yuan, Chunfeng and Li, Bing and Deng, Ying and Hu, Weiming},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year      = {2021}
}"""

_NTU60_BIBTEX = """@inproceedings{shahroudy2016ntu,
  title     = {{NTU RGB+D}: A Large Scale Dataset for {3D} Human Activity Analysis},
  author    = {Shahroudy, Amir and Liu, Jun and Ng, Tian-Tsong and Wang, Gang},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)},
  year      = {2016}
}"""

_NTU120_BIBTEX = """@article{liu2020ntu120,
  title   = {{NTU RGB+D 120}: A Large-Scale Benchmark for {3D} Human Activity Understanding},
  author  = {Liu, Jun and Shahroudy, Amir and Perez, Mauricio and Wang, Gang and Duan, Ling-Yu and Kot, Alex C.},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  year    = {2020}
}"""

_NTU_TERMS = (
    "NTU RGB+D and NTU RGB+D 120 are distributed by the ROSE Lab (Nanyang Technological University) under a "
    "release agreement for non-commercial academic research. The agreement does not permit redistribution: "
    "only share a converted copy with people who have signed it themselves (e.g. a private or gated repo)."
)


@dataclass(frozen=True)
class CorpusInfo:
    """What a dataset or model card says about one corpus."""

    key: str
    pretty_name: str
    description: str
    homepage: str | None
    license_name: str
    terms: str
    bibtex: tuple[str, ...]
    modality: str
    official_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    research: bool = True


CORPORA: dict[str, CorpusInfo] = {
    "ntu60": CorpusInfo(
        key="ntu60",
        pretty_name="NTU RGB+D 60 (skeletons)",
        description="60 daily, mutual and health-related actions by 40 subjects, 56,880 samples, three Kinect v2 "
        "cameras; 25 joints, up to two bodies.",
        homepage="https://rose1.ntu.edu.sg/dataset/actionRecognition/",
        license_name="ntu-rgbd-release-agreement",
        terms=_NTU_TERMS,
        bibtex=(_NTU60_BIBTEX,),
        modality="3D skeletons (Kinect v2, 25 joints)",
        official_counts={"xsub": {"train": 40091, "test": 16487}, "xview": {"train": 37646, "test": 18932}},
    ),
    "ntu120": CorpusInfo(
        key="ntu120",
        pretty_name="NTU RGB+D 120 (skeletons)",
        description="120 actions by 106 subjects, 114,480 samples, 32 camera setups; 25 joints, up to two bodies.",
        homepage="https://rose1.ntu.edu.sg/dataset/actionRecognition/",
        license_name="ntu-rgbd-release-agreement",
        terms=_NTU_TERMS,
        bibtex=(_NTU120_BIBTEX, _NTU60_BIBTEX),
        modality="3D skeletons (Kinect v2, 25 joints)",
        official_counts={"xsub": {"train": 63026, "test": 50919}, "xset": {"train": 54468, "test": 59477}},
    ),
    "pku_mmd": CorpusInfo(
        key="pku_mmd",
        pretty_name="PKU-MMD Phase 1 (skeletons, trimmed segments)",
        description="51 action classes in 1,076 untrimmed Kinect v2 videos (three views); sugar-hf cuts the "
        "labelled segments into clips.",
        homepage="https://www.icst.pku.edu.cn/struct/Projects/PKUMMD.html",
        license_name="pku-mmd-research-agreement",
        terms="Distributed by Peking University for academic, non-commercial research after a request to the "
        "authors. Do not republish without their permission.",
        bibtex=(
            """@article{liu2017pkummd,
  title   = {{PKU-MMD}: A Large Scale Benchmark for Continuous Multi-Modal Human Action Understanding},
  author  = {Liu, Chunhui and Hu, Yueyu and Li, Yanghao and Song, Sijie and Liu, Jiaying},
  journal = {arXiv preprint arXiv:1703.07475},
  year    = {2017}
}""",
        ),
        modality="3D skeletons (Kinect v2, 25 joints)",
    ),
    "toyota_smarthome": CorpusInfo(
        key="toyota_smarthome",
        pretty_name="Toyota Smarthome (trimmed, skeletons)",
        description="31 activities of daily living by 18 elderly subjects in a real apartment, 7 cameras; 13-joint "
        "LCR-Net++ skeletons. Cross-view protocols use 19 of the classes; the headline metric is mean per-class "
        "accuracy.",
        homepage="https://project.inria.fr/toyotasmarthome/",
        license_name="toyota-smarthome-license",
        terms="Released for non-commercial research under the Toyota Smarthome license agreement; "
        "redistribution is not permitted.",
        bibtex=(
            """@inproceedings{das2019toyota,
  title     = {Toyota Smarthome: Real-World Activities of Daily Living},
  author    = {Das, Srijan and Dai, Rui and Koperski, Michal and Minciullo, Luca and Garattoni, Lorenzo and
               Bremond, Francois and Francesca, Gianpiero},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year      = {2019}
}""",
        ),
        modality="3D skeletons (LCR-Net++, 13 joints)",
    ),
    "tsu": CorpusInfo(
        key="tsu",
        pretty_name="Toyota Smarthome Untrimmed (2D poses, trimmed segments)",
        description="51 activities in untrimmed videos of the Toyota Smarthome environment; 2D LCR-Net poses in "
        "COCO-17 slots; sugar-hf cuts the annotated segments into clips.",
        homepage="https://project.inria.fr/toyotasmarthome/",
        license_name="toyota-smarthome-license",
        terms="Released for non-commercial research under the Toyota Smarthome license agreement; "
        "redistribution is not permitted.",
        bibtex=(
            """@article{dai2022tsu,
  title   = {Toyota Smarthome Untrimmed: Real-World Untrimmed Videos for Activity Detection},
  author  = {Dai, Rui and Das, Srijan and Sharma, Saurav and Minciullo, Luca and Garattoni, Lorenzo and
             Bremond, Francois and Francesca, Gianpiero},
  journal = {IEEE Transactions on Pattern Analysis and Machine Intelligence},
  year    = {2022}
}""",
        ),
        modality="2D poses (COCO-17 slots from LCR-Net++)",
    ),
    "nw_ucla": CorpusInfo(
        key="nw_ucla",
        pretty_name="Northwestern-UCLA Multiview Action 3D (skeletons)",
        description="10 actions by 10 subjects seen by three Kinect v1 views at once, 1,484 sequences; 20 joints, "
        "one person.",
        homepage=None,
        license_name="nw-ucla-research-use",
        terms="Released by the authors for research use; the terms do not grant redistribution. Cite the paper "
        "and do not republish without the authors' permission.",
        bibtex=(
            """@inproceedings{wang2014nwucla,
  title     = {Cross-view Action Modeling, Learning and Recognition},
  author    = {Wang, Jiang and Nie, Xiaohan and Xia, Yin and Wu, Ying and Zhu, Song-Chun},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)},
  year      = {2014}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xview": {"train": 1020, "test": 464}},
    ),
    "utd_mhad": CorpusInfo(
        key="utd_mhad",
        pretty_name="UTD-MHAD (skeletons)",
        description="27 actions by 8 subjects, 4 trials each, 861 sequences; 20 Kinect v1 joints, one person.",
        homepage="https://personal.utdallas.edu/~kehtar/UTD-MHAD.html",
        license_name="utd-mhad-research-use",
        terms="Made freely available by the authors for research with the request to cite the paper; the "
        "terms do not grant redistribution.",
        bibtex=(
            """@inproceedings{chen2015utdmhad,
  title     = {{UTD-MHAD}: A Multimodal Dataset for Human Action Recognition Utilizing a Depth Camera and a
               Wearable Inertial Sensor},
  author    = {Chen, Chen and Jafari, Roozbeh and Kehtarnavaz, Nasser},
  booktitle = {Proceedings of the IEEE International Conference on Image Processing (ICIP)},
  year      = {2015}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xsub": {"train": 431, "test": 430}},
    ),
    "utkinect": CorpusInfo(
        key="utkinect",
        pretty_name="UTKinect-Action3D (skeletons)",
        description="10 actions by 10 subjects, two recordings each, 199 labelled segments; 20 Kinect v1 joints.",
        homepage="http://cvrc.ece.utexas.edu/KinectDatasets/HOJ3D.html",
        license_name="utkinect-research-use",
        terms="Released by the authors for research use; the terms do not grant redistribution.",
        bibtex=(
            """@inproceedings{xia2012utkinect,
  title     = {View Invariant Human Action Recognition Using Histograms of {3D} Joints},
  author    = {Xia, Lu and Chen, Chia-Chih and Aggarwal, J. K.},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition Workshops},
  year      = {2012}
}""",
        ),
        modality="3D skeletons (Kinect v1, 20 joints)",
        official_counts={"xsub": {"train": 100, "test": 99}},
    ),
    "folder": CorpusInfo(
        key="folder",
        pretty_name="Skeleton clips (user folder)",
        description="Skeleton clips converted from a folder of arrays with a labels CSV.",
        homepage=None,
        license_name="",
        terms="Set by the owner of the data.",
        bibtex=(),
        modality="skeletons",
        research=False,
    ),
}
"""Corpus key (as in ``sugar-hf convert``) -> :class:`CorpusInfo`."""


def corpus_info(corpus: str) -> CorpusInfo:
    """The :class:`CorpusInfo` of a corpus key (``"ntu60"``, ``"toyota_smarthome"``, ...)."""
    if corpus not in CORPORA:
        raise KeyError(f"unknown corpus {corpus!r}; known: {sorted(CORPORA)}")
    return CORPORA[corpus]


def is_research_corpus(corpus: str) -> bool:
    """True for every published research corpus (all but the user's own ``folder`` data)."""
    return corpus_info(corpus).research if corpus in CORPORA else True
