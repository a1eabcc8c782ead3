"""Gradebook URLs: the form SQLAlchemy can open with the drivers installed, and credentials never on a
command line, never in a file others can read.
"""
import os
import stat

from sqlalchemy.engine import make_url


def normalize_db_url(url):
    """A gradebook URL SQLAlchemy can open with the drivers installed.

    SQLAlchemy 2.1 opens ``postgresql://`` with psycopg 3; the pinned driver is
    psycopg2 (``psycopg2-binary``), so a plain PostgreSQL URL is given its driver name
    when psycopg 3 is missing. ``postgres://`` (as some hosting services write it) is
    accepted too.
    """
    if not url:
        return url
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        try:
            import psycopg  # noqa: F401  (optional: is psycopg 3 installed?)
        except ImportError:
            return f"postgresql+psycopg2://{rest}"
        return f"postgresql://{rest}"
    return url


def is_sqlite(db_url):
    return db_url.startswith("sqlite:")


def url_password(db_url):
    """The password written in a database URL, or ``None``."""
    return make_url(db_url).password


def without_password(db_url):
    """``db_url`` with its password (if any) left out: libpq then reads ``~/.pgpass`` or
    ``$PGPASSFILE``."""
    url = make_url(db_url)
    return db_url if url.password is None else url._replace(password=None).render_as_string(hide_password=False)


def read_url_file(path):
    """The gradebook URL in file ``path`` (first line), which only its owner may read.

    Raises ``ValueError`` if the file is readable by the group or others (``chmod 600``).
    """
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"{path} is readable by other users (mode {stat.filemode(mode)}): "
                         f"chmod 600 {path}")
    with open(path) as handle:
        url = handle.readline().strip()
    if not url:
        raise ValueError(f"{path} is empty: write the gradebook's URL on its first line")
    return url
