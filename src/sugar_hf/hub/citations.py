"""The citations every model card states: SUGAR itself and the CTR-GCN skeleton encoder.

Each corpus's own citation is part of its spec (:mod:`sugar_hf.corpora`).
"""

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
