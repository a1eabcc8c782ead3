"""A wheel of the student edition, for a JupyterHub image: ``pip install nnfs_student_helpers-*.whl``.

A wheel is a zip file laid out as PEP 427 says: the package's files, and a ``NAME-VERSION.dist-info``
folder with ``METADATA``, ``WHEEL`` and ``RECORD`` (each file's SHA-256). It is written here with the
standard library: the environments this course installs have no wheel-building backend (setuptools'
``bdist_wheel`` needs the ``wheel`` package), and an edition is plain files, nothing to compile.
The version's local label is the edition's content hash, so that two releases that differ install as
different versions.

The wheel also installs the kernels' start-up hook, as a data file (PEP 427's ``NAME-VERSION.data/data/``, which
pip writes under the environment's prefix, ``sys.prefix``): ``etc/ipython/ipython_kernel_config.json``. IPython
reads it, as it reads the ``.py`` of the same name beside it, at every kernel start, and so loads the extension
``helpers.checks`` before any cell runs: a test cell run after a kernel restart says what to run first instead
of a bare NameError. IPython has no ``.d`` folder of kernel configuration files; the JSON file is one of the two
names it reads there, and the one that ``make venv`` leaves free (it writes the ``.py``). It sets
``extra_extensions``, which IPython loads after ``extensions``, so that an image's own ``.py`` keeps its
extensions. (``pip install --target`` and ``--user`` put the file where IPython does not look: install the wheel
into the kernel's environment itself; docs/student-image.md.)
"""
import base64
import hashlib
import json
import zipfile
from pathlib import Path

NAME = "nnfs_student_helpers"
VERSION = "0.1.0"
#: What the edition imports (the same floors as the workbook's pyproject.toml).
REQUIRES = ("numpy>=2.0", "matplotlib>=3.8", "scikit-learn>=1.4", "scipy>=1.11", "threadpoolctl>=3")
#: The start-up hook: IPython's kernel configuration under the environment's prefix (see above).
STARTUP_CONFIG = "etc/ipython/ipython_kernel_config.json"
STARTUP = {"InteractiveShellApp": {"extra_extensions": ["helpers.checks"]}}


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(package: Path, dest: Path) -> Path:
    """Write DEST/nnfs_student_helpers-VERSION+HASH-py3-none-any.whl holding the folder `package` (an
    edition's ``helpers``) as the package ``helpers``; returns its path."""
    package, dest = Path(package), Path(dest)
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    contents = {f"helpers/{p.relative_to(package).as_posix()}": p.read_bytes() for p in files}
    digest = hashlib.sha256(b"".join(name.encode() + data for name, data in contents.items())).hexdigest()
    version = f"{VERSION}+{digest[:12]}"
    info = f"{NAME}-{version}.dist-info"
    contents[f"{NAME}-{version}.data/data/{STARTUP_CONFIG}"] = (json.dumps(STARTUP, indent=2) + "\n").encode()
    contents[f"{info}/METADATA"] = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {version}",
         "Summary: Neural Networks from Scratch: the student edition of helpers (tools and checks, no answers)",
         "Requires-Python: >=3.10"] + [f"Requires-Dist: {requirement}" for requirement in REQUIRES]).encode() + b"\n"
    contents[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: grading.edition.wheel\nRoot-Is-Purelib: true\n" \
                                b"Tag: py3-none-any\n"
    contents[f"{info}/top_level.txt"] = b"helpers\n"
    record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in contents.items()] + [f"{info}/RECORD,,"]
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in contents.items():
            wheel.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return path
