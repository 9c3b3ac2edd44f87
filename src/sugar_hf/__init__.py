"""sugar-hf: SUGAR skeleton action recognition with an LLM classifier, on the Hugging Face stack."""

__version__ = "0.1.0"
