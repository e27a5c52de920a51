"""Record linkage of person files: exact NHS-number pass, then Splink (DuckDB or Spark)."""

from carepool.linkage.files import LinkedFiles, link_files
from carepool.linkage.mapping import FieldMapping, FieldPair, build
from carepool.linkage.pipeline import LinkageResult, Thresholds, link_frames
from carepool.linkage.probabilistic import Model, Training, load_model
from carepool.linkage.quality import Accuracy, QualityReport

__all__ = [
    "Accuracy", "FieldMapping", "FieldPair", "LinkageResult", "LinkedFiles", "Model", "QualityReport", "Thresholds",
    "Training", "build", "link_files", "link_frames", "load_model",
]
