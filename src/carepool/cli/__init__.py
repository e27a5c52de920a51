"""The ``carepool`` command. Each module here that defines ``group`` (a Typer app) and
``GROUP_NAME`` is added as a sub-command by ``main``; command bodies call services only."""

import os

# Small dense algebra (SPC, ITS, synthetic control) runs faster single-threaded here, and a
# server's requests should not fight over cores: BLAS gets one thread unless the user chose
# otherwise. Set before anything imports numpy (uvicorn workers inherit it).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
