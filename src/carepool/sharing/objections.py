"""The objections register: the two kinds of objection a share must respect, and the filter that applies them.

- A **local objection** is the exception in the s.251B duty to share: the person objects to their
  records leaving the organisation that holds them. Their records stay inside that organisation
  for direct care and out of every secondary use (commissioning, evaluation) altogether.
- The **national data opt-out** (NHS England) is a person's choice that their confidential patient
  information is not used for purposes beyond their individual care (research and planning). It
  never stops a share for direct care; it stops every secondary use. Sources: ``SOURCES.md`` here.

A person may have both, each recorded and withdrawn on its own. Filtering happens on normalised NHS
numbers; a record whose number cannot be read is withheld and reported, because it cannot be shown
not to belong to someone who objected or opted out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from carepool.errors import InputError
from carepool.findings import Finding, error, warning
from carepool.sharing.agreements import Purpose
from carepool.sharing.nhs_number import normalise, problem


class ObjectionKind(StrEnum):
    LOCAL = "local"                          # s.251B: objects to this sharing (held by their organisation)
    NATIONAL_OPT_OUT = "national_opt_out"    # NHS England's national data opt-out: research and planning

    @property
    def label(self) -> str:
        return "Objection to sharing" if self is ObjectionKind.LOCAL else "National data opt-out"

    @property
    def noun(self) -> str:
        """``"an objection"`` / ``"a national data opt-out"``: how messages name one."""
        return "an objection" if self is ObjectionKind.LOCAL else "a national data opt-out"

    @property
    def applies_to(self) -> str:
        """What the kind stops, in the words the register pages and the CLI show."""
        if self is ObjectionKind.LOCAL:
            return ("every share: direct care only within the organisation holding the record, "
                    "no secondary use")
        return "uses beyond individual care (commissioning, evaluation); never direct care"

    def stops(self, purpose: Purpose, recipient: str, organisation: str) -> bool:
        """Whether an objection of this kind, held by ``organisation``, stops a share for ``purpose``."""
        if self is ObjectionKind.NATIONAL_OPT_OUT:
            return purpose.secondary
        return not (purpose is Purpose.DIRECT_CARE and recipient == organisation)

    def stops_every_recipient(self, purpose: Purpose) -> bool:
        """Whether no recipient at all may have the record for ``purpose`` (a local objection still lets
        the holding organisation use it for direct care; the opt-out never touches direct care)."""
        return purpose.secondary


def parse_kind(value: str) -> ObjectionKind:
    try:
        return ObjectionKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        choices = ", ".join(k.value for k in ObjectionKind)
        raise InputError(f"unknown kind of objection '{value}' (expected one of {choices})", where="kind") from None


@dataclass(frozen=True)
class Objection:
    nhs_number: str
    organisation: str   # ODS code: holds the person's record (local), or checked the opt-out (national)
    recorded_on: date
    note: str = ""
    kind: ObjectionKind = ObjectionKind.LOCAL

    def __post_init__(self) -> None:
        reason = problem(self.nhs_number) or (None if normalise(self.nhs_number) else "missing")
        if reason:
            raise InputError(f"an objection needs a valid NHS number: {reason}")
        object.__setattr__(self, "nhs_number", normalise(self.nhs_number))

    def stops(self, purpose: Purpose, recipient: str) -> bool:
        return self.kind.stops(purpose, recipient, self.organisation)


class ObjectionRegistry:
    """Who objected or opted out, looked up by normalised NHS number (a person may have both kinds)."""

    def __init__(self, objections: Iterable[Objection] = ()) -> None:
        self._by_number: dict[str, dict[ObjectionKind, Objection]] = {}
        for o in objections:
            self._by_number.setdefault(o.nhs_number, {})[o.kind] = o

    def __len__(self) -> int:
        return sum(len(kinds) for kinds in self._by_number.values())

    def __contains__(self, number: object) -> bool:
        key = normalise(number)
        return key is not None and key in self._by_number

    def of(self, number: object) -> list[Objection]:
        """Every objection in force for this number (local first)."""
        key = normalise(number)
        kinds = self._by_number.get(key, {}) if key else {}
        return [kinds[k] for k in ObjectionKind if k in kinds]

    def get(self, number: object, kind: ObjectionKind | None = None) -> Objection | None:
        found = [o for o in self.of(number) if kind is None or o.kind is kind]
        return found[0] if found else None

    def stopping(self, number: object, purpose: Purpose, recipient: str) -> Objection | None:
        """The objection that stops this share of the person's record, if any (a local one named first)."""
        return next((o for o in self.of(number) if o.stops(purpose, recipient)), None)

    def may_share(self, number: object, purpose: Purpose, recipient: str) -> bool:
        """Whether a record with this (valid) NHS number may go to ``recipient`` for ``purpose``."""
        return self.stopping(number, purpose, recipient) is None

    def withheld_from_everyone(self, purpose: Purpose) -> set[str]:
        """Numbers whose records no recipient may have for ``purpose`` (what linkage leaves out)."""
        return {number for number, kinds in self._by_number.items()
                if any(kind.stops_every_recipient(purpose) for kind in kinds)}


UNCHECKABLE_RULE = "objection-uncheckable"   # the finding of a row whose NHS number cannot be read
UNREADABLE = "NHS number unreadable"


def finding_rule(kind: ObjectionKind) -> str:
    """The rule of the finding for a row this kind withheld (``objection`` / ``national-data-opt-out``)."""
    return "objection" if kind is ObjectionKind.LOCAL else "national-data-opt-out"


@dataclass(frozen=True)
class WithheldRow:
    """One withheld row as people are shown it: its row number and why, never the NHS number."""

    row: int
    kind: ObjectionKind | None      # None: the NHS number could not be read, so it could not be checked

    @property
    def why(self) -> str:
        return self.kind.label if self.kind else UNREADABLE


def withheld_rows(findings: Iterable[Finding]) -> list[WithheldRow]:
    """The rows ``filter_rows`` withheld, read from its findings (row number and kind, in file order)."""
    kinds = {finding_rule(kind): kind for kind in ObjectionKind}
    return [WithheldRow(f.location.row, kinds.get(f.rule)) for f in findings
            if f.location.row is not None and (f.rule in kinds or f.rule == UNCHECKABLE_RULE)]


@dataclass(frozen=True)
class Filtered:
    """Rows that may be shared, and findings for every row withheld and why."""

    rows: list[dict[str, str]]
    withheld: int
    findings: list[Finding]
    by_kind: dict[ObjectionKind, int] = field(default_factory=dict)   # rows withheld by each kind

    def summary(self) -> str:
        """``"3 withheld (1 objection to sharing, 1 national data opt-out, 1 NHS number unreadable)"``."""
        parts = [f"{n} {k.label[0].lower()}{k.label[1:]}" for k, n in self.by_kind.items() if n]
        unreadable = self.withheld - sum(self.by_kind.values())
        if unreadable:
            parts.append(f"{unreadable} {UNREADABLE}")
        return f"{self.withheld} withheld" + (f" ({', '.join(parts)})" if parts else "")


def filter_rows(rows: Sequence[Mapping[str, str]], nhs_field: str, registry: ObjectionRegistry,
                purpose: Purpose, recipient: str, *, file: str | None = None) -> Filtered:
    """Drop the rows of people whose objection or opt-out stops this share (and rows whose NHS number
    cannot be checked), reporting each with the kind that stopped it.

    Row numbers in findings count a header line as row 1. Returns new dicts; the input
    rows are not changed.
    """
    kept: list[dict[str, str]] = []
    findings: list[Finding] = []
    by_kind = dict.fromkeys(ObjectionKind, 0)
    for offset, row in enumerate(rows):
        line = offset + 2
        value = row.get(nhs_field, "")
        number = normalise(value)
        if number is None:
            reason = problem(value) or "NHS number missing"
            findings.append(error(UNCHECKABLE_RULE,
                                  f"withheld: {reason}, so the objections register cannot be checked",
                                  file=file, row=line, field=nhs_field))
            continue
        stopped = registry.stopping(number, purpose, recipient)
        if stopped is not None:
            by_kind[stopped.kind] += 1
            if stopped.kind is ObjectionKind.LOCAL:
                findings.append(warning(finding_rule(stopped.kind), "withheld: the person has objected to sharing",
                                        file=file, row=line))
            else:
                findings.append(warning(finding_rule(stopped.kind),
                                        f"withheld: the person has a national data opt-out, which applies to "
                                        f"{purpose.value} (a use beyond individual care)", file=file, row=line))
            continue
        kept.append(dict(row))
    return Filtered(kept, len(rows) - len(kept), findings, by_kind)
