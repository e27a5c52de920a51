"""What a load did: counts, where the good and rejected rows went, and findings as data."""

from __future__ import annotations

from dataclasses import dataclass, field

from carepool.findings import Finding


@dataclass(frozen=True, slots=True)
class LoadReport:
    """The outcome of validating one file: every row is either accepted or quarantined."""

    dataset: str
    source: str
    accepted: int
    rejected: int
    output: str | None = None          # Parquet file of accepted, typed rows
    quarantine: str | None = None      # CSV of rejected rows (row, reason, values as read)
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    rejected_files: tuple[str, ...] = ()   # files that could not be read at all (quarantined whole)

    @property
    def total(self) -> int:
        return self.accepted + self.rejected

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset, "source": self.source, "accepted": self.accepted,
            "rejected": self.rejected, "output": self.output, "quarantine": self.quarantine,
            "findings": [f.as_dict() for f in self.findings], "rejected_files": list(self.rejected_files),
        }
