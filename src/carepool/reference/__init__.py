"""Reference data: HWB plan areas, CCGs, who serves whom, populations.

Loaded from the published files shipped in ``reference/data`` (see its README and
SOURCES.md). ``load_reference()`` is cached: the files are read once per process.
"""

from carepool.reference.load import load_reference
from carepool.reference.model import Area, Ccg, CcgAreaLink, ReferenceData

__all__ = ["Area", "Ccg", "CcgAreaLink", "ReferenceData", "load_reference"]
