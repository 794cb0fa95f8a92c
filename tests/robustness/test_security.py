"""A malicious export cannot make walkaway do harm: write outside ``--out``, run code, or
reach the network.

* Files: an export whose prospect addresses and domains, subjects, attachment names and
  Message-IDs carry path traversal, absolute paths, NUL bytes, overlong names, Windows
  device names and Unicode look-alikes goes through ``walkaway analyze``; a snapshot of the
  folder around it shows that every file created is under ``--out`` with a sane name, and
  the export itself is untouched.
* Code: no module of walkaway unpickles (or otherwise deserializes into code) a file, except
  the cache's own unpickler, which accepts walkaway's record types only; a model folder
  whose artifact names an untrusted type, is a pickle in disguise, or whose card points
  elsewhere is refused with one clear error and exit 2 before anything in it runs.
* Network: ``analyze`` and ``report`` run with networking disabled, by a guard in the
  interpreter that records and refuses every connection and name lookup and, where the
  machine allows it, in a network namespace without interfaces (``unshare -rn``); they
  exit 0, produce the same results, and try no connection.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import walkaway as walkaway_package
from tests.conftest import SAMPLES
from tests.robustness.cli import assert_clean_run, assert_exact_accounting, walkaway
from tests.robustness.test_determinism import assert_same_outputs
from walkaway.cache import UntrustedRecordError, dump_record, load_record
from walkaway.clean import clean
from walkaway.cli import app
from walkaway.ingest import parse_item
from walkaway.scoring.model import ARTIFACT, CARD, FEATURES, DealModel, build_estimator
from walkaway.types import Message, RawItem

PACKAGE = Path(walkaway_package.__file__).resolve().parent
AS_OF = "2026-09-01"

# ---------------------------------------------------------------------------------------
# A malicious export

WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
WINDOWS_DEVICES |= {f"lpt{i}" for i in range(10)}
XSS = b"<script>alert(1)</script>"


def hostile_addresses(token: str) -> list[bytes]:
    """Prospect addresses (free mail: the address is the prospect) and domains (the domain
    is) that would escape, clobber or confuse if used as file names."""
    t = token.encode()
    return [
        b"../../../../../../../../tmp/" + t + b"-up@gmail.com",  # climbs out of report/
        b"/tmp/" + t + b"-abs@gmail.com",  # absolute
        b"..\\..\\..\\windows\\" + t + b"@gmail.com",  # Windows separators
        b"x@../../../../tmp/" + t + b"-domain",  # traversal in the domain part
        b"ceo@nul.com",  # a Windows device name as a company domain
        b"ceo@com1.net",
        b"aux@gmail.com",
        b"a\x00b@gmail.com",  # NUL
        b"..@gmail.com",
        b".hidden@gmail.com",
        b"\xe2\x80\xaegpj.exe@gmail.com",  # right-to-left override: reads as "exe.jpg"
        b"\xef\xbc\x8e\xef\xbc\x8e\xef\xbc\x8fetc@gmail.com",  # fullwidth "../"
        b"ceo@" + b"a" * 240 + b".com",  # a very long domain
        b"x" * 300 + b"@gmail.com",  # a very long address
        b"ceo@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",  # IDN
        b"Ceo@Case.COM",  # differs from the next only in case
        b"ceo@case.com",
    ]


def lure(token: str) -> bytes:
    """HTML and MIME that invite a fetch: remote images and styles, an external DTD, an XML
    external entity reading a local file, message/external-body, a calendar attachment URL."""
    html = (
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://192.0.2.1/x.dtd" ['
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<html><head><link rel="stylesheet" href="https://192.0.2.1/a.css">'
        b"<style>@import url(http://192.0.2.1/b.css); body{background:url(//192.0.2.1/c)}</style>"
        b'<base href="http://192.0.2.1/"></head><body>'
        b'<img src="http://192.0.2.1/pixel.gif?' + token.encode() + b'">'
        b'<iframe src="http://192.0.2.1/frame"></iframe><object data="http://192.0.2.1/o">'
        b"</object><p>&xxe; Can we meet next week? "
        + XSS
        + b'</p><a href="javascript:alert(2)">link</a></body></html>'
    )
    return (
        b"From: Lou <lou@lurecorp.io>\nTo: Dana <dana@lumora.io>\nSubject: Re: lure\n"
        b"Date: Wed, 05 Aug 2026 09:00:00 +0000\nMessage-ID: <lure@lurecorp.io>\n"
        b"In-Reply-To: <lure-0@lumora.io>\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=L\n\n"
        b"--L\nContent-Type: text/html; charset=utf-8\n\n" + html + b"\n"
        b'--L\nContent-Type: message/external-body; access-type=URL; URL="http://192.0.2.1/x"\n'
        b"\nContent-Type: text/plain\n\n"
        b"--L\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nBEGIN:VEVENT\n"
        b"DTSTART:20260810T100000Z\nATTACH;VALUE=URI:http://192.0.2.1/agenda.pdf\n"
        b"URL:http://192.0.2.1/meet\nEND:VEVENT\nEND:VCALENDAR\n--L--\n"
    )


def write_hostile_export(folder: Path, token: str) -> None:
    folder.mkdir(parents=True)
    attachment_names = [
        b"../../../../tmp/" + token.encode() + b"-att.exe",
        b"/etc/cron.d/" + token.encode(),
        b"C:\\Windows\\System32\\" + token.encode() + b".dll",
        b"CON",
        b"a\x00b.pdf",
        b"=?utf-8?q?=2E=2E=2F=2E=2E=2Fenc-" + token.encode() + b"?=",
        b"y" * 3000,
    ]
    for number, address in enumerate(hostile_addresses(token)):
        for turn in range(3):
            ours = turn != 1
            us, them = b"Dana Whitfield <dana@lumora.io>", b"Eve <" + address + b">"
            message_id = b"<../../../../tmp/" + token.encode() + b"-%d-%d@x/..>" % (number, turn)
            parts = b"".join(
                b'--B\nContent-Type: application/octet-stream; name="' + name + b'"\n'
                b'Content-Disposition: attachment; filename="' + name + b'"\n\nAAAA\n'
                for name in attachment_names
            )
            reply_to = b"<../../../../tmp/" + token.encode() + b"-%d-%d@x/..>" % (number, 0)
            (folder / f"m{number:02d}-{turn}.eml").write_bytes(
                b"From: " + (us if ours else them) + b"\nTo: " + (them if ours else us) + b"\n"
                b"Subject: ../../etc/passwd " + XSS + b" CON\x00 \xe2\x80\xae\n"
                b"Date: Mon, 0%d Aug 2026 09:00:00 +0000\n" % (turn + 3)
                + b"Message-ID: " + message_id + b"\n"
                + (b"In-Reply-To: " + reply_to + b"\n" if turn else b"")
                + b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
                b"--B\nContent-Type: text/plain\n\nLet's revisit next quarter. " + XSS + b"\n"
                + parts + b"--B--\n"
            )  # fmt: skip
    (folder / "lure-0.eml").write_bytes(
        b"From: Dana <dana@lumora.io>\nTo: Lou <lou@lurecorp.io>\nSubject: lure\n"
        b"Date: Mon, 03 Aug 2026 09:00:00 +0000\nMessage-ID: <lure-0@lumora.io>\n\nHi Lou\n"
    )
    (folder / "lure-1.eml").write_bytes(lure(token))


def snapshot(root: Path) -> dict[str, str]:
    """Every path under ``root`` (relative) with its kind and, for files, a content hash."""
    found: dict[str, str] = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[relative] = "dir"
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


_SANE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*|\.walkaway-cache")


def insane_names(root: Path) -> list[str]:
    """Names under ``root`` that are unsafe on some file system or in a URL."""
    problems = []
    for path in root.rglob("*"):
        name = path.name
        if path.is_symlink():
            problems.append(f"{path}: a link")
        if not _SANE_NAME.fullmatch(name) or len(name) > 120:
            problems.append(f"{path}: {name!r}")
        elif name.split(".")[0].lower() in WINDOWS_DEVICES or name.endswith("."):
            problems.append(f"{path}: a Windows device name or trailing dot")
    return problems


@pytest.fixture(scope="module")
def token() -> str:
    return f"walkaway-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class HostileRun:
    root: Path  # the folder around everything, snapshotted before the run
    export: Path
    out: Path
    before: dict[str, str]
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, token: str) -> HostileRun:
    """``walkaway analyze`` on the hostile export, with a snapshot of the folder around it.

    ``--out`` sits four levels down, so that a name climbing out of report/prospects/ would
    land inside the snapshot; the working directory and TMPDIR are empty folders of it."""
    root = tmp_path_factory.mktemp("security")
    export = root / "export"
    write_hostile_export(export, token)
    for name in ("cwd", "tmp"):
        (root / name).mkdir()
    out = root / "a" / "b" / "c" / "out"
    before = snapshot(root)
    result = walkaway(
        "analyze", export, "--out", out, "--our-domain", "lumora.io", "--as-of", AS_OF,
        cwd=root / "cwd", env={"TMPDIR": str(root / "tmp")},
    )  # fmt: skip
    return HostileRun(root, export, out, before, result)


def test_hostile_export_writes_only_under_out(hostile_run: HostileRun, token: str) -> None:
    root, out, before = hostile_run.root, hostile_run.out, hostile_run.before
    assert_clean_run(hostile_run.result)
    after = snapshot(root)
    out_prefix = out.relative_to(root).as_posix()
    created_or_changed = {p for p, v in after.items() if before.get(p) != v}
    outside = sorted(
        p
        for p in created_or_changed | (set(before) - set(after))
        if not (p == out_prefix or p.startswith(out_prefix + "/") or out_prefix.startswith(p + "/"))
    )
    assert outside == []
    # The export is read, never written; nothing is left in the working folder or TMPDIR.
    assert {p: v for p, v in after.items() if p.startswith("export")} == {
        p: v for p, v in before.items() if p.startswith("export")
    }
    assert not any((root / "cwd").iterdir()) and not any((root / "tmp").iterdir())
    # Nor anywhere an absolute or climbing name from the export points to.
    for target in (Path("/tmp"), Path("/etc/cron.d"), Path.home()):
        assert list(target.glob(f"{token}*")) == []


def test_every_name_written_is_sane_and_each_prospect_has_its_own_page(
    hostile_run: HostileRun,
) -> None:
    out = hostile_run.out
    assert_clean_run(hostile_run.result)
    assert insane_names(out) == []
    summary = assert_exact_accounting(out)
    with (out / "prospects.csv").open(encoding="utf-8", newline="") as handle:
        prospects = [row["prospect"] for row in csv.DictReader(handle)]
    # Every hostile address became a prospect: the names were really put to the test.
    assert len(prospects) == summary["prospects"] >= len(hostile_addresses("t")) - 2
    assert any(p.startswith("../") for p in prospects) and any("\u202e" in p for p in prospects)
    pages = sorted((out / "report" / "prospects").glob("*.json"))
    owners = [json.loads(p.read_text("utf-8"))["prospect"] for p in pages]
    assert sorted(owners) == sorted(prospects)  # one page per prospect, none shared
    for page in pages:
        for suffix in (".html", ".md"):
            assert page.with_suffix(suffix).is_file()


def test_report_pages_escape_what_the_export_says(hostile_run: HostileRun) -> None:
    """Subjects and bodies are shown as text: no script from an email runs in the report,
    and no local file is pulled in through an XML entity."""
    out = hostile_run.out
    assert_clean_run(hostile_run.result)
    pages = list((out / "report").rglob("*.html"))
    assert len(pages) > 10
    escaped = 0
    for page in pages:
        html = page.read_bytes()
        assert XSS not in html, page
        assert b'href="javascript:' not in html, page
        escaped += b"&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert escaped > 0  # the subjects are on the pages, as text
    for path in out.rglob("*"):
        if path.is_file():
            assert b"root:x:0:0" not in path.read_bytes(), path


def test_long_names_in_addresses_cannot_stall_cleaning() -> None:
    """A display name or address of hundreds of kilobytes (within the header budget) once
    made the sender matching of the cleaning stage quadratic: hours for one message."""
    for header in (
        b"Eve " + b"a" * 300_000 + b" <eve@x.com>",
        b"Eve <eve@" + b"a" * 300_000 + b">",
    ):
        raw = RawItem("x.eml", "", b"From: " + header + b"\nSubject: hi\n\nThanks,\nEve\n")
        started = time.perf_counter()
        message = parse_item(raw)
        assert isinstance(message, Message) and message.sender is not None
        clean(message)
        assert time.perf_counter() - started < 2.0
        assert len(message.sender.email) <= 254 and len(message.sender.name) <= 256


# ---------------------------------------------------------------------------------------
# No code from files

# Calls that turn bytes into objects able to run code, by their fully qualified names.
UNSAFE_CALLS = {
    "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads",
    "_pickle.Unpickler", "dill.load", "dill.loads", "cloudpickle.load", "cloudpickle.loads",
    "joblib.load", "torch.load", "marshal.load", "marshal.loads", "shelve.open",
    "jsonpickle.decode", "pandas.read_pickle", "yaml.load", "yaml.unsafe_load",
    "yaml.full_load", "skops.io.load", "sklearn.externals.joblib.load", "eval", "exec",
    "keras.models.load_model", "numpy.load",
}  # fmt: skip
# The known, restricted exceptions: (file, call).
ALLOWED = {
    ("cache.py", "pickle.Unpickler"),  # _RecordUnpickler: walkaway's record types only
    ("safeload.py", "skops.io.load"),  # after checking every type against an allow-list
}


def unsafe_calls(source: str, filename: str = "<source>") -> list[str]:
    """``line: name`` of every unsafe deserializing call (or subclass) in Python source.

    Imports are followed through aliases (``import pickle as p``, ``from joblib import
    load``, ``import skops.io as sio``); ``numpy.load`` counts only with ``allow_pickle``
    set to anything but a literal False (its default refuses pickles).
    """
    tree = ast.parse(source, filename)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    aliases.setdefault("np", "numpy")
    aliases.setdefault("pd", "pandas")

    def qualified(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    found = []
    for node in ast.walk(tree):
        targets: list[tuple[ast.expr, ast.Call | None]] = []
        if isinstance(node, ast.Call):
            targets.append((node.func, node))
        elif isinstance(node, ast.ClassDef):
            targets.extend((base, None) for base in node.bases)
        for target, call in targets:
            name = qualified(target)
            if name not in UNSAFE_CALLS:
                continue
            if name == "numpy.load" and call is not None:
                allow = next((k.value for k in call.keywords if k.arg == "allow_pickle"), None)
                if allow is None or (isinstance(allow, ast.Constant) and allow.value is False):
                    continue
            found.append(f"{node.lineno}: {name}")
    return found


def test_the_scanner_finds_every_form_of_unsafe_load() -> None:
    source = textwrap.dedent(
        """
        import pickle, joblib, marshal
        import pickle as p
        import skops.io as sio
        import numpy as np
        from joblib import load as jl
        from pandas import read_pickle
        import torch
        pickle.load(f); p.loads(b); joblib.load("m"); jl("m"); marshal.loads(b)
        read_pickle("x"); torch.load("w"); sio.load("m"); np.load("a", allow_pickle=True)
        eval("1")
        class U(pickle.Unpickler): pass
        np.load("a"); np.load("a", allow_pickle=False); pickle.dumps(1); json.loads("1")
        """
    )
    names = [line.split(": ")[1] for line in unsafe_calls(source)]
    assert sorted(names) == sorted(
        [
            "pickle.load", "pickle.loads", "joblib.load", "joblib.load", "marshal.loads",
            "pandas.read_pickle", "torch.load", "skops.io.load", "numpy.load", "eval",
            "pickle.Unpickler",
        ]
    )  # fmt: skip


def test_no_module_deserializes_files_into_code() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40
    found = []
    for path in files:
        relative = path.relative_to(PACKAGE).as_posix()
        for hit in unsafe_calls(path.read_text("utf-8"), relative):
            if (relative, hit.split(": ")[1]) not in ALLOWED:
                found.append(f"{relative}:{hit}")
    assert found == []


class _Payload:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_the_cache_unpickler_refuses_anything_but_records(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(UntrustedRecordError):
        load_record(pickle.dumps(_Payload(marker)))
    assert not marker.exists()
    message = parse_item(RawItem("x.eml", "", b"From: a@b.c\nSubject: s\n\nhi\n"))
    assert load_record(dump_record(message)) == message


def _good_model(folder: Path) -> Path:
    rows = np.random.default_rng(0).random((20, len(FEATURES)))
    pipeline = build_estimator().fit(rows, np.array([0, 1] * 10))
    DealModel(pipeline, {"features": list(FEATURES)}).save(folder)
    return folder


def _untrusted_function(folder: Path, outside: Path) -> str:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    # Never fitted: fitting would call the function.
    pipeline = Pipeline(
        [("run", FunctionTransformer(func=os.system)), ("model", LogisticRegression())]
    )
    DealModel(pipeline, {"features": list(FEATURES)}).save(folder)
    return r"contains types walkaway does not trust: .*system"


def _hidden_type(folder: Path, outside: Path) -> str:
    """A good model whose schema gains a ``builtins.eval`` node deep inside."""
    import zipfile

    _good_model(outside / "good")
    with zipfile.ZipFile(outside / "good" / ARTIFACT) as source:
        schema = json.loads(source.read("schema.json"))
        schema["content"]["content"]["memory"] = {
            "__class__": "eval", "__module__": "builtins", "__loader__": "TypeNode",
            "content": {"__class__": "str", "__module__": "builtins"}, "__id__": 1,
        }  # fmt: skip
        folder.mkdir()
        with zipfile.ZipFile(folder / ARTIFACT, "w") as target:
            for name in source.namelist():
                data = json.dumps(schema) if name == "schema.json" else source.read(name)
                target.writestr(name, data)
    shutil.copy(outside / "good" / CARD, folder / CARD)
    return r"does not trust: \['builtins.eval'\]"


def _pickle_in_disguise(folder: Path, outside: Path) -> str:
    folder.mkdir()
    (folder / ARTIFACT).write_bytes(pickle.dumps(_Payload(outside / "ran")))
    (folder / CARD).write_text(json.dumps({"features": list(FEATURES)}), "utf-8")
    return rf"{ARTIFACT} is not a skops model file"


def _card_points_elsewhere(folder: Path, outside: Path) -> str:
    """No artifact in the folder; the card names a pickle next to it."""
    folder.mkdir()
    (outside / "model.pkl").write_bytes(pickle.dumps(_Payload(outside / "ran")))
    card = {"features": list(FEATURES), "artifact": str(outside / "model.pkl"), "path": ".."}
    (folder / CARD).write_text(json.dumps(card), "utf-8")
    return r"not a walkaway model folder \(expected model.skops and card.json"


def _artifact_links_elsewhere(folder: Path, outside: Path) -> str:
    folder.mkdir()
    (outside / "model.pkl").write_bytes(pickle.dumps(_Payload(outside / "ran")))
    os.symlink(outside / "model.pkl", folder / ARTIFACT)
    (folder / CARD).write_text(json.dumps({"features": list(FEATURES)}), "utf-8")
    return r"is not a skops model file"


def _card_not_json(folder: Path, outside: Path) -> str:
    _good_model(folder)
    (folder / CARD).write_text("{'features': [", "utf-8")
    return r"card.json is not readable JSON"


def _damaged_archive(folder: Path, outside: Path) -> str:
    import zipfile

    _good_model(outside / "good")
    folder.mkdir()
    with (
        zipfile.ZipFile(outside / "good" / ARTIFACT) as source,
        zipfile.ZipFile(folder / ARTIFACT, "w") as target,
    ):
        arrays = [n for n in source.namelist() if n.endswith(".npy")]
        for name in source.namelist():
            if name != arrays[0]:
                target.writestr(name, source.read(name))
    shutil.copy(outside / "good" / CARD, folder / CARD)
    return r"is a damaged skops file"


MODEL_ATTACKS = {
    "untrusted function": _untrusted_function,
    "type hidden deep in the schema": _hidden_type,
    "pickle named model.skops": _pickle_in_disguise,
    "card pointing to a pickle elsewhere": _card_points_elsewhere,
    "artifact linked to a pickle elsewhere": _artifact_links_elsewhere,
    "card not JSON": _card_not_json,
    "damaged archive": _damaged_archive,
}


@pytest.mark.parametrize("attack", sorted(MODEL_ATTACKS))
def test_untrusted_model_folder_is_refused_before_anything_runs(
    tmp_path: Path, attack: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "model"
    expected = MODEL_ATTACKS[attack](folder, outside)
    result = CliRunner().invoke(
        app,
        ["analyze", str(SAMPLES), "--out", str(tmp_path / "out"), "--model", str(folder),
         "--no-cache", "--no-report"],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("walkaway: error: "), result.stderr
    assert re.search(expected, lines[0]), lines[0]
    assert not (outside / "ran").exists()
    assert not (tmp_path / "out" / "prospects.csv").exists()


def test_a_good_model_folder_is_accepted(tmp_path: Path) -> None:
    """The refusals above are not a refusal of everything."""
    from walkaway.scoring.model import load_model

    model = load_model(_good_model(tmp_path / "model"))
    assert model.predict_lost(
        __import__("pandas").DataFrame(np.zeros((1, len(FEATURES))), columns=list(FEATURES))
    ).shape == (1,)


# ---------------------------------------------------------------------------------------
# No network

GUARD = '''
"""Loaded at start-up through PYTHONPATH: every network attempt is recorded and refused."""
import errno
import os
import socket

_LOG = os.environ["WALKAWAY_NETWORK_LOG"]


def _refuse(what, target):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {what} {target!r}\\n")
    raise OSError(errno.ENETUNREACH, f"network disabled for this test: {what} {target!r}")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family == socket.AF_UNIX:  # local pipes between processes are not network
        return _connect(self, address)
    _refuse("connect", address)


def connect_ex(self, address):
    if self.family == socket.AF_UNIX:
        return _connect_ex(self, address)
    _refuse("connect_ex", address)


def sendto(self, *args):
    _refuse("sendto", args[-1])


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.socket.sendto = sendto
socket.create_connection = lambda address, *a, **k: _refuse("create_connection", address)
socket.getaddrinfo = lambda host, *a, **k: _refuse("getaddrinfo", host)
socket.gethostbyname = lambda host: _refuse("gethostbyname", host)
socket.gethostbyname_ex = lambda host: _refuse("gethostbyname_ex", host)
'''


def guard_env(folder: Path) -> tuple[dict[str, str], Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = folder / "network.log"
    log.write_text("", encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH", "")]))
    return {"PYTHONPATH": path, "WALKAWAY_NETWORK_LOG": str(log)}, log


def unshare_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


TRY_CONNECT = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=2)"


def test_the_network_guard_refuses_and_records(tmp_path: Path) -> None:
    """The guard below is real: a connection attempt fails and is written down."""
    env, log = guard_env(tmp_path / "guard")
    result = subprocess.run(
        [sys.executable, "-c", TRY_CONNECT], env={**os.environ, **env}, capture_output=True
    )
    assert result.returncode != 0 and b"network disabled for this test" in result.stderr
    assert "create_connection ('192.0.2.1', 80)" in log.read_text("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["python-guard", "unshare"])
def test_analyze_and_report_work_without_network(
    hostile_run: HostileRun, tmp_path: Path, variant: str
) -> None:
    prefix: tuple[str, ...] = ()
    env: dict[str, str] = {}
    log = None
    if variant == "unshare":
        if not unshare_available():
            pytest.skip("unshare -rn is not available here (no unprivileged user namespaces)")
        prefix = ("unshare", "-rn")
        probe = subprocess.run([*prefix, sys.executable, "-c", TRY_CONNECT], capture_output=True)
        assert probe.returncode != 0  # really no network in there
    else:
        env, log = guard_env(tmp_path / "guard")
    reference = hostile_run.out
    assert_clean_run(hostile_run.result)
    out = tmp_path / "out"
    analyzed = walkaway(
        "analyze", hostile_run.export, "--out", out, "--our-domain", "lumora.io",
        "--as-of", AS_OF, env=env, prefix=prefix,
    )  # fmt: skip
    assert_clean_run(analyzed)
    assert assert_same_outputs(reference, out) > 10
    shutil.rmtree(out / "report")
    reported = walkaway("report", out, env=env, prefix=prefix)
    assert_clean_run(reported)
    assert assert_same_outputs(reference, out) > 10
    if log is not None:
        assert log.read_text("utf-8") == ""
