"""A plain, non-editable install from the wheel works from any folder.

Package data (pattern files, rules, shipped models) must travel inside the wheel: this test
builds it, installs it into a fresh virtual environment (dependencies are borrowed from the
running one, so no network is needed) and runs the command from an unrelated folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(work),
            str(PROJECT_ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(work.glob("walkaway-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Dependencies come from the running environment; walkaway itself only from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return env_dir


def test_wheel_carries_package_data(installed: Path):
    site = next((installed / "lib").glob("python3*/site-packages"))
    package = site / "walkaway"
    assert (package / "data" / "rules.toml").is_file()
    assert (package / "data" / "free_mail_domains.txt").is_file()
    assert (package / "py.typed").is_file()


def test_installed_command_runs_from_any_folder(installed: Path, tmp_path: Path):
    python = installed / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    where = subprocess.run(
        [python, "-c", "import walkaway; print(walkaway.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert str(installed) in where, where
    out = tmp_path / "out"
    result = subprocess.run(
        [python, "-m", "walkaway", "analyze", str(SAMPLES), "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "prospects.csv").is_file()


def test_every_subpackage_is_listed_for_the_wheel():
    import tomllib

    listed = set(
        tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
            "packages"
        ]
    )
    source = PROJECT_ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(source).parts) for init in source.rglob("__init__.py")
    }
    assert found | {"walkaway.models"} == listed


def test_wheel_carries_nlp_patterns_and_phrase_banks(installed: Path):
    site = next((installed / "lib").glob("python3*/site-packages"))
    assert list((site / "walkaway" / "nlp" / "patterns").glob("*.jsonl"))
    assert list((site / "walkaway" / "simulate" / "phrases").glob("*.json"))
    assert (site / "walkaway" / "models" / "__init__.py").is_file()
    for name in ("model.npz", "model.json", "card.json"):
        assert (site / "walkaway" / "models" / "reply-classifier" / name).is_file()


def test_installed_classify_finds_the_deferral(installed: Path, tmp_path: Path):
    python = installed / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    result = subprocess.run(
        [python, "-m", "walkaway", "classify", "We'll revisit once budgets reset after Q1."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    import json

    output = json.loads(result.stdout)
    assert output["top"] == "deferral"
    assert any(span["label"] == "deferral" for span in output["spans"])
