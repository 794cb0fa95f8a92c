"""The on-disk cache of ``walkaway analyze``: a re-run on an unchanged export is fast, and an
export that grew costs only its new part.

Everything lives in one folder, by default ``OUT/.walkaway-cache/`` next to the outputs::

    CACHEDIR.TAG                           marks the folder as a cache (backup tools skip it)
    files/<read code>/<entry>.parquet      the parsed and cleaned records of one input file
    files/<read code>/<entry>.json         that entry's manifest: written last, read first
    paths/<read code>/<source>.json        what was last read at a path (to spot a grown mbox)
    language/<language code>/*.parquet     language results, one row per analysed text
    outputs.json                           the key of the output files in OUT and their sizes

``<read code>`` and ``<language code>`` are fingerprints of the code that made the records:
the walkaway version, the source of the modules of that stage, its data and model files and
the versions of the libraries it calls. Change any of them and the old records are simply
not found again. An ``<entry>`` is keyed by the file's content (SHA-256, streamed), its path
as given, its folder labels and the size limit. A language row is keyed by what the result
depends on: which analysis, the text and its reference date.

Records are stored as pickles of walkaway's own frozen record types, read back through an
unpickler that accepts those types and ``datetime`` and nothing else: a tampered cache fails
to load (and is ignored), it cannot run code.

Writes go to a temporary file renamed into place, and a file entry's manifest is written
after its Parquet file: an interrupted run (Ctrl-C, a crash, a full disk) leaves at worst a
file without a manifest, which is never read, or a manifest whose Parquet file does not
match it, which is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import importlib.util
import io
import json
import logging
import os
import pickle
import platform
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from walkaway import __version__

if TYPE_CHECKING:
    from walkaway.ingest.limits import Limits

logger = logging.getLogger(__name__)

LAYOUT = 1
"""Version of the folder layout above; part of every fingerprint."""

CACHE_DIRNAME = ".walkaway-cache"

# engine/tasks.py makes the stored records (``read_chunk`` slims messages, the language
# tasks choose the pipeline): a change there must not find the old records.
_READ_MODULES = ("types.py", "errors.py", "ingest", "clean", "engine/tasks.py")
_READ_LIBRARIES = ("mail-parser", "extract-msg", "html2text", "lxml", "tzlocal")
_LANGUAGE_MODULES = ("nlp", "engine/tasks.py")
# The reply classifier runs on numpy alone (its artifact is hashed with the models).
_LANGUAGE_LIBRARIES = ("spacy", "numpy")
_ALL_LIBRARIES = (
    *_READ_LIBRARIES,
    *_LANGUAGE_LIBRARIES,
    "scikit-learn",
    "skops",
    "pandas",
    "pyarrow",
    "tldextract",
)

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by walkaway.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

# ---------------------------------------------------------------------------------------
# Records: pickles of walkaway's record types, loaded through an allow-list

_TRUSTED_TYPES = frozenset(
    {
        ("walkaway.types", "Message"),
        ("walkaway.types", "Address"),
        ("walkaway.types", "Attachment"),
        ("walkaway.types", "Quarantined"),
        ("walkaway.nlp.classify", "TextLabels"),
        ("walkaway.nlp.classify", "LabelSpan"),
        ("walkaway.nlp.analysis", "TextAnalysis"),
        ("walkaway.nlp.analysis", "Sentence"),
        ("walkaway.nlp.analysis", "RuleHit"),
        ("walkaway.nlp.analysis", "Question"),
        ("walkaway.nlp.dates", "DeferralTarget"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "timezone"),
        ("datetime", "timedelta"),
    }
)


class UntrustedRecordError(pickle.UnpicklingError):
    """A cache record names a type outside walkaway's records: the cache was tampered with."""


_resolved: dict[tuple[str, str], Any] = {}


class _RecordUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _resolved.get((module, name))
        if found is None:
            if (module, name) not in _TRUSTED_TYPES:
                raise UntrustedRecordError(f"cache record refers to {module}.{name}")
            # Resolved once per process: the lookup through the import system costs more
            # than unpickling a whole message.
            found = getattr(importlib.import_module(module), name)
            _resolved[(module, name)] = found
        return found


class _Placeholder:
    """Stands for every trusted type while a record is checked: nothing is built."""

    __slots__ = ()

    def __new__(cls, *args: object, **kwargs: object) -> _Placeholder:
        return _PLACEHOLDER

    def __setstate__(self, state: object) -> None:
        pass


_PLACEHOLDER = object.__new__(_Placeholder)


class _RecordChecker(pickle.Unpickler):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.first: tuple[str, str] | None = None

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _TRUSTED_TYPES:
            raise UntrustedRecordError(f"cache record refers to {module}.{name}")
        if self.first is None:
            self.first = (module, name)  # the record's own type comes first
        return _Placeholder


def check_record(data: bytes, kind: type) -> None:
    """Raise unless ``data`` is a ``kind`` record that only names trusted types
    (``UntrustedRecordError`` when it names another). For records loaded later, elsewhere:
    nothing is built, which makes a check several times cheaper than :func:`load_record`."""
    checker = _RecordChecker(data)
    checker.load()
    if checker.first != (kind.__module__, kind.__qualname__):
        raise pickle.UnpicklingError(f"cache record is not a {kind.__qualname__}")


def dump_record(record: object) -> bytes:
    """One record (a ``Message``, ``Quarantined``, ``TextLabels`` ...) as bytes."""
    return pickle.dumps(record, protocol=5)


def load_record(data: bytes) -> Any:
    """The record of :func:`dump_record`; refuses any type that is not a walkaway record."""
    return _RecordUnpickler(io.BytesIO(data)).load()


# ---------------------------------------------------------------------------------------
# Fingerprints of the code


def _package_root() -> Path:
    return Path(__file__).resolve().parent


def _models_root() -> Path | None:
    spec = importlib.util.find_spec("walkaway.models")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _hash_tree(digest: Any, root: Path, names: Iterable[str]) -> None:
    for name in names:
        path = root / name
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in files:
            if not file.is_file() or "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")


def _library_versions(names: Iterable[str]) -> str:
    versions = []
    for name in names:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return ";".join(versions)


def _fingerprint(modules: Sequence[str], libraries: Sequence[str], models: bool) -> str:
    digest = hashlib.sha256()
    digest.update(f"layout={LAYOUT};walkaway={__version__};".encode())
    digest.update(f"python={platform.python_version()};".encode())
    digest.update(_library_versions(libraries).encode())
    _hash_tree(digest, _package_root(), modules)
    if models:
        root = _models_root()
        if root is not None:
            _hash_tree(digest, root, sorted(p.name for p in root.iterdir()))
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def read_fingerprint() -> str:
    """Fingerprint of everything that turns file bytes into cleaned records."""
    return _fingerprint(_READ_MODULES, _READ_LIBRARIES, models=False)


@lru_cache(maxsize=1)
def language_fingerprint() -> str:
    """Fingerprint of the language layer: pipeline code, patterns, the shipped classifier."""
    return _fingerprint(_LANGUAGE_MODULES, _LANGUAGE_LIBRARIES, models=True)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Fingerprint of the whole package, its data and models, and the libraries it uses."""
    names = sorted(p.name for p in _package_root().iterdir())
    return _fingerprint(names, _ALL_LIBRARIES, models=True)


# ---------------------------------------------------------------------------------------
# Content keys


@dataclass(frozen=True, slots=True)
class ContentKey:
    """SHA-256 of a file's bytes, and of its first ``prefix_size`` bytes when asked for."""

    size: int
    digest: str
    prefix_size: int = 0
    prefix_digest: str = ""


_content_memo: dict[tuple[str, int, int, int, int], ContentKey] = {}


def content_key(path: str | os.PathLike[str], prefix_size: int = 0) -> ContentKey:
    """Hash a file in one streamed pass; ``prefix_size`` (when smaller than the file) also
    gives the hash of that many first bytes, which tells whether the file only grew.

    A file hashed earlier in this process and not modified since is not read again."""
    stat = os.stat(path)
    memo_key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, prefix_size)
    known = _content_memo.get(memo_key)
    if known is None:
        known = _hash_file(path, prefix_size)
        if len(_content_memo) > 100_000:
            _content_memo.clear()
        _content_memo[memo_key] = known
    return known


def _hash_file(path: str | os.PathLike[str], prefix_size: int) -> ContentKey:
    digest = hashlib.sha256()
    prefix_digest = ""
    done = 0
    with open(path, "rb", buffering=0) as handle:
        while True:
            want = 1 << 20
            if prefix_size > 0 and done < prefix_size:
                want = min(want, prefix_size - done)
            block = handle.read(want)
            if not block:
                break
            digest.update(block)
            done += len(block)
            if done == prefix_size and prefix_size:
                prefix_digest = digest.copy().hexdigest()
    return ContentKey(done, digest.hexdigest(), prefix_size if prefix_digest else 0, prefix_digest)


def text_key(kind: str, text: str, reference: object) -> bytes:
    """Key of one language result: the analysis, the text and its reference date."""
    stamp = reference.isoformat() if hasattr(reference, "isoformat") else ""
    return hashlib.blake2b(
        f"{kind}\0{stamp}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16
    ).digest()


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# ---------------------------------------------------------------------------------------
# Atomic files


def _atomic_path(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


def _write_json(path: Path, data: object) -> None:
    tmp = _atomic_path(path)
    try:
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# ---------------------------------------------------------------------------------------
# File entries

_FILE_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # "message" or "quarantined"
        ("id", pa.string()),
        ("location", pa.string()),
        ("record", pa.binary()),
    ]
)


@dataclass(frozen=True, slots=True)
class FileEntry:
    """What the cache knows about one input file.

    ``resume`` is set when the file can be read again from its last message only: the
    cached records before it are final, and reading restarts at ``(offset, line, number)``.
    """

    key: str
    size: int
    digest: str
    items: int
    parquet: Path
    resume: tuple[int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class FilePlan:
    """How to get one file's records: all from the cache, some then read on, or read all."""

    source: str
    labels: tuple[str, ...]
    source_key: str
    content: ContentKey
    key: str
    hit: FileEntry | None = None
    prefix: FileEntry | None = None

    @property
    def mode(self) -> str:
        return "hit" if self.hit else "resume" if self.prefix else "read"


class FileWriter:
    """Streams one file's records into a new cache entry; :meth:`commit` makes it visible."""

    def __init__(self, cache: Cache, plan: FilePlan) -> None:
        self._cache = cache
        self._plan = plan
        self._path = cache.files_dir / f"{plan.key}.parquet"
        self._tmp = _atomic_path(self._path)
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self._tmp, _FILE_SCHEMA, compression="zstd"
        )
        self._rows = 0
        self._last_location = ""

    def write(self, records: Sequence[tuple[str, str, str, bytes]]) -> None:
        """Append ``(kind, id, location, record bytes)`` rows, in input order."""
        if not records or self._writer is None:
            return
        kinds, ids, locations, blobs = zip(*records, strict=True)
        self._writer.write_table(
            pa.table([list(kinds), list(ids), list(locations), list(blobs)], schema=_FILE_SCHEMA)
        )
        self._rows += len(records)
        self._last_location = locations[-1]

    def commit(self, last_mbox_line: tuple[int, int, int] | None) -> None:
        """Close the Parquet file, rename it into place, then write the manifest.

        ``last_mbox_line`` is ``(offset, line, number)`` of the file's last mbox message, when
        the file is an uncompressed mbox that could be resumed there."""
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        os.replace(self._tmp, self._path)
        plan = self._plan
        self._cache._write_manifest(
            plan,
            items=self._rows,
            parquet_size=self._path.stat().st_size,
            resume=last_mbox_line,
        )

    def abort(self) -> None:
        """Drop the unfinished entry (nothing of it becomes visible)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):  # the file is being thrown away anyway
                self._writer.close()
            self._writer = None
        self._tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------
# Language store

_LANGUAGE_SCHEMA = pa.schema(
    [
        ("key", pa.binary(16)),
        ("kind", pa.string()),
        ("message_id", pa.string()),
        ("record", pa.binary()),
    ]
)
_COMPACT_PARTS = 16
_SAFE_KEY = re.compile(r"[0-9a-f]{8,64}")


class LanguageWriter:
    """One new part file of the language store, written as results come in.

    The rows go to a temporary file; :meth:`commit` gives it its final name (a reader sees
    the whole part or nothing) and merges the parts once there are many; :meth:`abort`
    throws it away. Nothing is written when no row comes."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.path = cache.language_dir / f"part-{uuid.uuid4().hex}.parquet"
        self._tmp: Path | None = None
        self._writer: pq.ParquetWriter | None = None

    def write(self, rows: Sequence[tuple[bytes, str, str, bytes]]) -> None:
        """Add ``(key, kind, message id, record)`` rows."""
        if not rows:
            return
        keys, kinds, ids, records = zip(*rows, strict=True)
        self.write_table(
            pa.table([list(keys), list(kinds), list(ids), list(records)], schema=_LANGUAGE_SCHEMA)
        )

    def write_table(self, table: pa.Table) -> None:
        if self._writer is None:
            self.cache._ensure()
            self._tmp = _atomic_path(self.path)
            self._writer = pq.ParquetWriter(self._tmp, _LANGUAGE_SCHEMA, compression="zstd")
        self._writer.write_table(table)

    def commit(self, compact: bool = True) -> None:
        if self._writer is None:
            return
        assert self._tmp is not None
        try:
            self._writer.close()
            self._writer = None
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        if compact:
            self.cache._compact_language()

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):  # the file is being thrown away anyway
                self._writer.close()
            self._writer = None
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)


class Cache:
    """The cache folder. Create with :func:`open_cache`; cheap to create, lazy on disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.files_dir = self.root / "files" / read_fingerprint()
        self.paths_dir = self.root / "paths" / read_fingerprint()
        self.language_dir = self.root / "language" / language_fingerprint()
        self.outputs_path = self.root / "outputs.json"

    def _ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_CACHEDIR_TAG, encoding="ascii")

    # -- files ---------------------------------------------------------------------------

    @staticmethod
    def source_key(source: str, labels: tuple[str, ...], limits: Limits) -> str:
        """What the records of a file depend on besides its bytes: its path, its labels and
        the per-message limits."""
        return _short(json.dumps([source, list(labels), list(dataclasses.astuple(limits))]))

    def plan_file(self, path: Path, labels: tuple[str, ...], limits: Limits) -> FilePlan:
        """Hash a file and look it up: a hit, a grown file with a usable prefix, or new."""
        source = str(path)
        source_key = self.source_key(source, labels, limits)
        previous = _read_json(self.paths_dir / f"{source_key}.json")
        prefix_size = 0
        if previous and previous.get("resume"):
            try:
                prefix_size = int(previous["size"])
            except (KeyError, TypeError, ValueError):
                previous = None  # damaged: the file is read as new
        try:
            size = path.stat().st_size
        except OSError:
            size = -1
        content = content_key(path, prefix_size if 0 < prefix_size < size else 0)
        key = _short(f"{source_key}:{content.digest}:{content.size}")
        hit = self._entry(key)
        prefix = None
        if (
            hit is None
            and previous
            and content.prefix_digest
            and content.prefix_digest == previous.get("digest")
        ):
            candidate = self._entry(str(previous.get("key", "")))
            if candidate is not None and candidate.resume is not None:
                prefix = candidate
        return FilePlan(source, labels, source_key, content, key, hit=hit, prefix=prefix)

    def _entry(self, key: str) -> FileEntry | None:
        if not key:
            return None
        manifest = _read_json(self.files_dir / f"{key}.json")
        parquet = self.files_dir / f"{key}.parquet"
        if manifest is None or manifest.get("layout") != LAYOUT:
            return None
        try:
            if parquet.stat().st_size != manifest.get("parquet_size"):
                return None
        except OSError:
            return None
        resume = manifest.get("resume")
        try:
            return FileEntry(
                key=key,
                size=int(manifest["size"]),
                digest=str(manifest["digest"]),
                items=int(manifest["items"]),
                parquet=parquet,
                resume=tuple(int(n) for n in resume)  # type: ignore[arg-type]
                if isinstance(resume, list) and len(resume) == 3
                else None,
            )
        except (KeyError, TypeError, ValueError):
            return None  # a damaged manifest: the entry is simply not there

    def read_entry(
        self, entry: FileEntry, *, limit: int | None = None
    ) -> Iterator[list[tuple[str, str, str, bytes]]]:
        """The rows of an entry in batches, the first ``limit`` only when given.

        Raises ``CacheCorruptError`` when the Parquet file does not hold what its manifest
        says (the caller then reads the file itself)."""
        wanted = entry.items if limit is None else min(limit, entry.items)
        seen = 0
        try:
            parquet = pq.ParquetFile(entry.parquet)
            if parquet.metadata.num_rows != entry.items:
                raise CacheCorruptError(f"{entry.parquet}: row count differs from its manifest")
            for batch in parquet.iter_batches(batch_size=2048):
                if seen >= wanted:
                    break
                columns = [batch.column(i).to_pylist() for i in range(4)]
                rows = list(zip(*columns, strict=True))[: wanted - seen]
                seen += len(rows)
                yield rows
        except (OSError, pa.ArrowException) as error:
            raise CacheCorruptError(f"{entry.parquet}: {error}") from error

    def writer(self, plan: FilePlan) -> FileWriter:
        """A writer for the entry of ``plan`` (nothing is visible before ``commit``)."""
        self._ensure()
        return FileWriter(self, plan)

    def _write_manifest(
        self,
        plan: FilePlan,
        *,
        items: int,
        parquet_size: int,
        resume: tuple[int, int, int] | None,
    ) -> None:
        manifest = {
            "layout": LAYOUT,
            "source": plan.source,
            "labels": list(plan.labels),
            "size": plan.content.size,
            "digest": plan.content.digest,
            "items": items,
            "parquet_size": parquet_size,
            "resume": list(resume) if resume else None,
        }
        _write_json(self.files_dir / f"{plan.key}.json", manifest)
        previous = _read_json(self.paths_dir / f"{plan.source_key}.json")
        _write_json(
            self.paths_dir / f"{plan.source_key}.json",
            {
                "key": plan.key,
                "size": plan.content.size,
                "digest": plan.content.digest,
                "resume": bool(resume),
            },
        )
        # The entry of the file's earlier content (an mbox before mail was appended, a file
        # since edited) can no longer be asked for: the source now points here.
        old_key = str(previous.get("key", "")) if previous else ""
        if old_key and old_key != plan.key and _SAFE_KEY.fullmatch(old_key):
            (self.files_dir / f"{old_key}.json").unlink(missing_ok=True)
            (self.files_dir / f"{old_key}.parquet").unlink(missing_ok=True)

    def evict_stale(self) -> None:
        """Remove what other versions of the code, data or libraries stored: their
        fingerprint differs from this version's, so nothing here can ever read it."""
        current = {self.files_dir, self.paths_dir, self.language_dir}
        for area in ("files", "paths", "language"):
            folder = self.root / area
            if not folder.is_dir():
                continue
            for child in folder.iterdir():
                if child.is_dir() and not child.is_symlink() and child not in current:
                    shutil.rmtree(child, ignore_errors=True)

    def drop_entry(self, entry: FileEntry) -> None:
        """Forget an entry that failed to load."""
        (self.files_dir / f"{entry.key}.json").unlink(missing_ok=True)
        entry.parquet.unlink(missing_ok=True)

    # -- language ------------------------------------------------------------------------

    def has_language(self) -> bool:
        """Whether any language results are stored (for this language code)."""
        return self.language_dir.is_dir() and any(self.language_dir.glob("part-*.parquet"))

    def language_lookup(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """Stored language records for ``keys`` (those found). Reads a batch of rows at a
        time and decodes only the rows asked for."""
        wanted = set(keys)
        found: dict[bytes, bytes] = {}
        if not wanted or not self.language_dir.is_dir():
            return found
        wanted_array = pa.array(sorted(wanted), type=pa.binary(16))
        for part in sorted(self.language_dir.glob("part-*.parquet")):
            try:
                for batch in pq.ParquetFile(part).iter_batches(columns=["key", "record"]):
                    hits = batch.filter(pc.is_in(batch.column("key"), value_set=wanted_array))
                    found.update(
                        zip(
                            hits.column("key").to_pylist(),
                            hits.column("record").to_pylist(),
                            strict=True,
                        )
                    )
            except (OSError, pa.ArrowException) as error:
                logger.warning("ignoring an unreadable cache file %s: %s", part, error)
                continue
        return found

    def language_store(self, rows: Sequence[tuple[bytes, str, str, bytes]]) -> None:
        """Add ``(key, kind, message id, record)`` rows as one new part file."""
        if not rows:
            return
        writer = self.language_writer()
        try:
            writer.write(rows)
        except BaseException:
            writer.abort()
            raise
        writer.commit()

    def language_writer(self) -> LanguageWriter:
        """A new part file written a batch of rows at a time (see :class:`LanguageWriter`)."""
        return LanguageWriter(self)

    def _compact_language(self) -> None:
        """Merge the part files once there are many (each run adds one), a batch of rows at
        a time."""
        parts = sorted(self.language_dir.glob("part-*.parquet"))
        if len(parts) < _COMPACT_PARTS:
            return
        writer = self.language_writer()
        try:
            for part in parts:
                try:
                    for batch in pq.ParquetFile(part).iter_batches():
                        writer.write_table(pa.Table.from_batches([batch]).cast(_LANGUAGE_SCHEMA))
                except (OSError, pa.ArrowException):
                    continue
        except BaseException:
            writer.abort()
            raise
        writer.commit(compact=False)
        for part in parts:  # the merged file holds all of them: the old parts can go
            part.unlink(missing_ok=True)

    # -- outputs -------------------------------------------------------------------------

    def outputs_current(self, key: str, out_dir: Path) -> dict[str, Any] | None:
        """The recorded outputs when ``key`` made them and every file is still as written."""
        record = _read_json(self.outputs_path)
        if record is None or record.get("key") != key:
            return None
        files = record.get("files")
        if not isinstance(files, dict) or not files:
            return None
        for name, stamp in files.items():
            try:
                size, mtime_ns = stamp
                stat = (out_dir / name).stat()
            except (OSError, TypeError, ValueError):
                return None
            if stat.st_size != size or stat.st_mtime_ns != mtime_ns:
                return None
        return record

    def record_outputs(
        self,
        key: str,
        out_dir: Path,
        names: Iterable[str],
        extra: Mapping[str, object] | None = None,
    ) -> None:
        """Remember that ``key`` made these output files (by size and modification time),
        with ``extra`` data for whoever reuses them."""
        self._ensure()
        files = {}
        for name in sorted(names):
            stat = (out_dir / name).stat()
            files[name] = [stat.st_size, stat.st_mtime_ns]
        _write_json(self.outputs_path, {**(extra or {}), "key": key, "files": files})

    def forget_outputs(self) -> None:
        """Outputs are being rewritten: until recorded again they match no key."""
        self.outputs_path.unlink(missing_ok=True)


class CacheCorruptError(Exception):
    """A cache file does not hold what its manifest says: it is ignored and rewritten."""


def open_cache(root: str | os.PathLike[str] | None) -> Cache | None:
    """A :class:`Cache` at ``root`` (``None`` disables caching)."""
    return None if root is None else Cache(root)


def outputs_key(
    inputs: Sequence[tuple[Any, ...]],
    options: Mapping[str, object],
) -> str:
    """Key of an analysis' outputs: the code, every input (path and content digest) and the
    options that change results."""
    return _short(
        json.dumps(
            {"code": code_fingerprint(), "inputs": list(inputs), "options": options},
            sort_keys=True,
            default=str,
        )
    )


def input_digests(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    progress: Callable[[str, int, int | None], None] | None = None,
) -> list[tuple[str, list[str], str]]:
    """``(path, labels, content digest)`` of every file the ingest stage would read.

    Raises:
        walkaway.errors.InputNotFoundError: a given path does not exist.
    """
    from walkaway.ingest import iter_input_files

    files = list(iter_input_files(paths))
    sizes = []
    for path, _ in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total, done = sum(sizes), 0
    found = []
    for (path, labels), size in zip(files, sizes, strict=True):
        try:
            digest = content_key(path).digest
        except OSError as error:
            digest = f"unreadable:{type(error).__name__}"
        found.append((str(path), list(labels), digest))
        done += size
        if progress is not None:
            progress("checking inputs", done, total)
    return found


def digest_paths(paths: Iterable[str | os.PathLike[str]]) -> str:
    """Content digest of files and folders (for a model folder or a rules file)."""
    digest = hashlib.sha256()
    for given in paths:
        root = Path(given)
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(root) if root.is_dir() else file.name).encode())
                digest.update(content_key(file).digest.encode())
    return digest.hexdigest()
