"""scripts/verify_draw.py recomputes draws with the standard library alone and agrees with the platform."""

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from zhifa.core import draw as d

SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "verify_draw.py"
SEED = "5eed" * 16
POOL = [f"9135090000{i:07d}X" for i in range(300)] + ["海州市某某餐饮店", "Ünïcode-ø"]
INSPECTORS = [f"officer-{i}" for i in range(9)]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_draw", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_imports_nothing_but_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names - {"__future__"} <= set(sys.stdlib_module_names)


@pytest.mark.parametrize("n", [1, 7, 50, 400])
def test_unweighted_draws_agree_with_the_library(script: ModuleType, n: int) -> None:
    ours = d.draw(seed=SEED, pool=d.canonical_pool(POOL), n=n)
    theirs, differs = script.verify({"seed": SEED, "pool": list(reversed(POOL)), "n": n})
    assert differs == []
    assert theirs["chosen"] == list(ours.chosen)
    assert theirs["ranks"] == [x.rank for x in ours.drawn]
    assert theirs["pool_digest"] == ours.pool_digest


def test_weighted_draws_agree_with_the_library(script: ModuleType) -> None:
    weights = {p: 1 + i % 5 for i, p in enumerate(POOL)}
    ours = d.draw(seed=SEED, pool=d.canonical_pool(weights.items()), n=25)
    theirs, _ = script.verify({"seed": SEED, "pool": POOL, "weights": weights, "n": 25})
    assert theirs["chosen"] == list(ours.chosen)
    assert theirs["pool_digest"] == ours.pool_digest


def test_teams_agree_with_the_library(script: ModuleType) -> None:
    targets = d.draw(seed=SEED, pool=d.canonical_pool(POOL), n=12).chosen
    excluded = {targets[0]: ["officer-0", "officer-1"], targets[3]: ["officer-2"]}
    history = {d.pair_key("officer-3", "officer-4"): 2}
    ours = d.assign_teams(
        seed=SEED,
        targets=targets,
        candidates=INSPECTORS,
        excluded=excluded,
        pair_limit=2,
        pair_history=history,
    )
    theirs, differs = script.verify(
        {
            "seed": SEED,
            "pool": POOL,
            "n": 12,
            "teams": {
                "candidates": INSPECTORS,
                "team_size": 2,
                "excluded": excluded,
                "pair_limit": 2,
                "pair_history": [["officer-3", "officer-4", 2]],
                "assigned": {t.target: list(t.members) for t in ours},
            },
        }
    )
    assert differs == []
    assert theirs["teams"] == {t.target: list(t.members) for t in ours}


def test_teams_that_need_backtracking_agree_with_the_library(script: ModuleType) -> None:
    # pair limit 1 and every second target recusing two inspectors: many targets can only be served
    # once earlier ones give up their first team
    targets = d.draw(seed=SEED, pool=d.canonical_pool(POOL), n=6).chosen
    candidates = INSPECTORS[:5]
    excluded = dict.fromkeys(targets[1::2], candidates[:2])
    with pytest.raises(d.NoTeamPossible):  # one target at a time, no going back, does not get through
        d.assign_teams(
            seed=SEED,
            targets=targets,
            candidates=candidates,
            excluded=excluded,
            pair_limit=1,
            budget=len(targets),
        )
    ours = d.assign_teams(seed=SEED, targets=targets, candidates=candidates, excluded=excluded, pair_limit=1)
    spec = {"candidates": candidates, "team_size": 2, "excluded": excluded, "pair_limit": 1}
    theirs, differs = script.verify({"seed": SEED, "pool": POOL, "n": 6, "teams": spec})
    assert differs == []
    assert theirs["teams"] == {t.target: list(t.members) for t in ours}


def test_a_published_draw_over_another_pool_is_caught(script: ModuleType) -> None:
    published = d.draw(seed=SEED, pool=d.canonical_pool(POOL), n=10)
    record = {"seed": SEED, "pool": POOL[1:], "n": 10, "pool_digest": published.pool_digest}
    record["chosen"] = list(published.chosen)
    _, differs = script.verify(record)
    assert "pool_digest" in differs


def test_the_command_line_exit_codes(tmp_path: Path) -> None:
    published = d.draw(seed=SEED, pool=d.canonical_pool(POOL), n=5)
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "seed": SEED,
                "pool": POOL,
                "n": 5,
                "pool_digest": published.pool_digest,
                "chosen": list(published.chosen),
            }
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(good)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["chosen"] == list(published.chosen)

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"seed": SEED, "pool": POOL, "n": 5, "chosen": ["nobody"]}), encoding="utf-8")
    assert (
        subprocess.run([sys.executable, str(SCRIPT), str(bad)], capture_output=True, check=False).returncode
        == 1
    )

    malformed = tmp_path / "malformed.json"
    malformed.write_text(json.dumps({"seed": "xyz", "pool": POOL, "n": 5}), encoding="utf-8")
    assert (
        subprocess.run(
            [sys.executable, str(SCRIPT), str(malformed)], capture_output=True, check=False
        ).returncode
        == 2
    )
