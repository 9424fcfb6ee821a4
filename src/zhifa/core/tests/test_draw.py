"""The reproducible draw (zhifa.core.draw): same inputs, same draw; a changed pool shows in the digest;
the documented algorithm recomputed by hand gives the same bytes; weights favour as they should."""

import hashlib
import hmac
import itertools
from collections import Counter

import pytest

from zhifa.core import draw as d

SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
OTHER_SEED = "ff" * 32
POOL = [f"9135090000{i:07d}X" for i in range(200)]


def _hand_rank(seed: str, entry_id: str, weight: int = 1) -> bytes:
    """The documented rank, written from docs/inspections.md with the standard library."""
    key = bytes.fromhex(seed)
    return min(
        hmac.new(key, entry_id.encode() + b"\n" + str(k).encode(), hashlib.sha256).digest()
        for k in range(weight)
    )


class TestSeed:
    def test_a_new_seed_is_64_hex_digits_and_never_repeats(self) -> None:
        seeds = {d.new_seed() for _ in range(50)}
        assert len(seeds) == 50
        assert all(len(s) == 64 and d.parse_seed(s) for s in seeds)

    @pytest.mark.parametrize("seed", ["", "00" * 31, "00" * 33, "zz" * 32, 12345, None])
    def test_a_malformed_seed_is_refused(self, seed: object) -> None:
        with pytest.raises(d.DrawInputError) as exc:
            d.draw(seed=seed, pool=POOL, n=3)  # type: ignore[arg-type]
        assert exc.value.status == 400

    def test_upper_case_hex_is_the_same_seed(self) -> None:
        assert d.draw(seed=SEED.upper(), pool=POOL, n=5).chosen == d.draw(seed=SEED, pool=POOL, n=5).chosen
        assert d.draw(seed=SEED.upper(), pool=POOL, n=5).seed == SEED


class TestReproducibility:
    def test_the_same_seed_and_pool_give_the_same_draw(self) -> None:
        a = d.draw(seed=SEED, pool=POOL, n=10)
        b = d.draw(seed=SEED, pool=iter(POOL), n=10)
        assert a == b
        assert len(a.chosen) == 10 and len(set(a.chosen)) == 10

    def test_another_seed_gives_another_draw(self) -> None:
        assert d.draw(seed=SEED, pool=POOL, n=10).chosen != d.draw(seed=OTHER_SEED, pool=POOL, n=10).chosen

    def test_the_draw_is_the_documented_algorithm(self) -> None:
        expected = sorted(POOL, key=lambda i: (_hand_rank(SEED, i), i.encode()))[:7]
        result = d.draw(seed=SEED, pool=POOL, n=7)
        assert list(result.chosen) == expected
        assert [bytes.fromhex(x.rank) for x in result.drawn] == [_hand_rank(SEED, i) for i in expected]

    def test_the_pool_digest_is_the_documented_serialisation(self) -> None:
        body = b"zhifa-draw-v1\n" + b"".join(i.encode() + b"\t1\n" for i in POOL)
        assert d.draw(seed=SEED, pool=POOL, n=1).pool_digest == hashlib.sha256(body).hexdigest()
        assert d.pool_digest(POOL) == hashlib.sha256(body).hexdigest()

    def test_a_fixed_vector_never_changes(self) -> None:
        # A published draw must replay forever: these bytes are the algorithm's contract.
        result = d.draw(seed=SEED, pool=["A", "B", "C", "D"], n=2)
        assert result.pool_digest == hashlib.sha256(b"zhifa-draw-v1\nA\t1\nB\t1\nC\t1\nD\t1\n").hexdigest()
        assert list(result.chosen) == sorted("ABCD", key=lambda i: _hand_rank(SEED, i))[:2]
        # the worked example of docs/inspections.md
        assert result.pool_digest == "2c3002f624e8d674a52c193a840a5d4878411783e35f88a2ec028f0138e4d318"
        assert result.chosen == ("A", "C")
        assert result.drawn[0].rank == "6abdd80c1804b7d11ade9235b61845a430858b854e986289c1a060cd59fbb44c"
        weighted = d.draw(seed=SEED, pool=[("A", 1), ("B", 3), ("C", 1), ("D", 2)], n=2)
        assert weighted.pool_digest == "51db1ee223d6cfd0ac950ceb1f8b54b96211617361be6f1ffa59b0d5b8a19df0"
        assert weighted.chosen == ("B", "D")
        teams = d.assign_teams(
            seed=SEED, targets=["B", "D"], candidates=["P1", "P2", "P3", "P4"], excluded={"D": ["P1"]}
        )
        assert [t.members for t in teams] == [("P4", "P3"), ("P3", "P2")]

    def test_a_smaller_n_is_a_prefix_of_a_larger_one(self) -> None:
        big = d.draw(seed=SEED, pool=POOL, n=50).chosen
        assert d.draw(seed=SEED, pool=POOL, n=5).chosen == big[:5]

    def test_a_pool_smaller_than_n_is_drawn_whole_in_rank_order(self) -> None:
        result = d.draw(seed=SEED, pool=POOL[:3], n=10)
        assert sorted(result.chosen) == POOL[:3]
        assert (result.pool_size, result.n) == (3, 10)

    def test_an_empty_pool_draws_nothing_and_has_the_digest_of_the_header(self) -> None:
        result = d.draw(seed=SEED, pool=[], n=3)
        assert result.chosen == ()
        assert result.pool_digest == hashlib.sha256(b"zhifa-draw-v1\n").hexdigest()

    def test_hmac_with_a_precomputed_key_schedule_is_hmac(self) -> None:
        for key in (bytes(32), bytes(range(64)), b"k" * 100):
            mac = d.Hmac256(key)
            for msg in (b"", b"x", b"T0000001\n0" * 20):
                assert mac(msg) == hmac.digest(key, msg, "sha256")


class TestDigestDetectsAnotherPool:
    def test_a_removed_target_changes_the_digest(self) -> None:
        assert d.pool_digest(POOL) != d.pool_digest(POOL[:-1])

    def test_an_added_target_changes_the_digest(self) -> None:
        assert d.pool_digest(POOL) != d.pool_digest([*POOL, "9999"])

    def test_a_changed_weight_changes_the_digest(self) -> None:
        weighted = [(i, 1) for i in POOL]
        weighted[5] = (POOL[5], 2)
        assert d.pool_digest(POOL) != d.pool_digest(weighted)

    def test_ids_cannot_run_into_their_weights(self) -> None:
        # "A\t11\n" vs "A1\t1\n": the tab keeps the two apart
        assert d.pool_digest([("A", 11)]) != d.pool_digest([("A1", 1)])

    def test_verify_accepts_the_published_draw(self) -> None:
        published = d.draw(seed=SEED, pool=POOL, n=10)
        check = d.verify_draw(
            seed=SEED, pool_digest_published=published.pool_digest, n=10, chosen=published.chosen, pool=POOL
        )
        assert check.ok and check.problems == ()

    def test_verify_detects_a_different_pool(self) -> None:
        published = d.draw(seed=SEED, pool=POOL, n=10)
        tampered = [p for p in POOL if p != published.chosen[0]]  # the first drawn target removed
        check = d.verify_draw(
            seed=SEED,
            pool_digest_published=published.pool_digest,
            n=10,
            chosen=published.chosen,
            pool=tampered,
        )
        assert not check.ok
        assert check.problems == ("pool_digest", "chosen")

    def test_verify_detects_a_changed_result(self) -> None:
        published = d.draw(seed=SEED, pool=POOL, n=10)
        swapped = (published.chosen[1], published.chosen[0], *published.chosen[2:])
        check = d.verify_draw(
            seed=SEED, pool_digest_published=published.pool_digest, n=10, chosen=swapped, pool=POOL
        )
        assert check.problems == ("chosen",)


class TestPoolValidation:
    def test_a_stream_out_of_canonical_order_is_refused(self) -> None:
        with pytest.raises(d.DrawInputError):
            d.draw(seed=SEED, pool=["B", "A"], n=1)

    def test_a_duplicate_in_a_stream_is_refused(self) -> None:
        with pytest.raises(d.DrawInputError):
            d.draw(seed=SEED, pool=["A", "A"], n=1)

    def test_canonical_order_is_by_utf8_bytes_not_by_number(self) -> None:
        assert [i for i, _w in d.canonical_pool(["10", "9", "1", "海州", "Z"])] == [
            "1",
            "10",
            "9",
            "Z",
            "海州",
        ]

    def test_canonical_pool_refuses_duplicates(self) -> None:
        with pytest.raises(d.DrawInputError):
            d.canonical_pool(["A", ("A", 2)])

    @pytest.mark.parametrize("bad", ["", "A\tB", "A\nB", "x" * 201, 7])
    def test_malformed_ids_are_refused(self, bad: object) -> None:
        with pytest.raises(d.DrawInputError):
            d.draw(seed=SEED, pool=[bad], n=1)  # type: ignore[list-item]

    def test_an_id_of_200_characters_is_accepted(self) -> None:
        assert d.draw(seed=SEED, pool=["x" * 200], n=1).chosen == ("x" * 200,)

    @pytest.mark.parametrize("weight", [0, -1, 101, 1.5, True, "2"])
    def test_malformed_weights_are_refused(self, weight: object) -> None:
        with pytest.raises(d.DrawInputError):
            d.draw(seed=SEED, pool=[("A", weight)], n=1)  # type: ignore[list-item]

    def test_weights_of_1_and_100_are_accepted(self) -> None:
        assert len(d.draw(seed=SEED, pool=[("A", 1), ("B", 100)], n=2).chosen) == 2

    @pytest.mark.parametrize("n", [0, -1, True, 1.0])
    def test_n_must_be_a_whole_number_of_at_least_one(self, n: object) -> None:
        with pytest.raises(d.DrawInputError):
            d.draw(seed=SEED, pool=POOL, n=n)  # type: ignore[arg-type]


class TestWeights:
    def test_weight_one_is_the_unweighted_draw(self) -> None:
        assert d.draw(seed=SEED, pool=[(i, 1) for i in POOL], n=9) == d.draw(seed=SEED, pool=POOL, n=9)

    def test_an_int_enum_risk_level_weighs_as_its_number(self) -> None:
        from enum import IntEnum

        class Risk(IntEnum):
            LOW = 1
            HIGH = 3

        pool = [("A", Risk.LOW), ("B", Risk.HIGH)]
        assert d.draw(seed=SEED, pool=pool, n=2) == d.draw(seed=SEED, pool=[("A", 1), ("B", 3)], n=2)
        assert d.pool_digest(pool) == d.pool_digest([("A", 1), ("B", 3)])

    def test_a_weighted_rank_is_the_smallest_of_its_tickets(self) -> None:
        pool = [(i, 1 + n % 4) for n, i in enumerate(POOL)]
        expected = sorted(pool, key=lambda e: (_hand_rank(SEED, e[0], e[1]), e[0].encode()))[:12]
        assert list(d.draw(seed=SEED, pool=pool, n=12).chosen) == [i for i, _w in expected]
        assert d.draw(seed=SEED, pool=pool, n=1).total_weight == sum(w for _i, w in pool)

    def test_heavier_targets_are_drawn_in_proportion_to_their_weight(self) -> None:
        # one target of weight 3 against three of weight 1, one drawn: P(heavy) = 3/6 = 0.5
        pool = [("A", 1), ("B", 1), ("C", 1), ("H", 3)]
        wins = Counter(d.draw(seed=f"{s:064x}", pool=pool, n=1).chosen[0] for s in range(4000))
        assert 0.46 < wins["H"] / 4000 < 0.54
        assert all(0.14 < wins[x] / 4000 < 0.20 for x in "ABC")

    def test_unweighted_draws_are_uniform(self) -> None:
        pool = ["A", "B", "C", "D", "E"]
        firsts = Counter(d.draw(seed=f"{s:064x}", pool=pool, n=1).chosen[0] for s in range(5000))
        assert all(0.17 < firsts[x] / 5000 < 0.23 for x in pool)


class TestTeams:
    INSPECTORS = [f"I{i:02d}" for i in range(8)]

    def test_each_target_gets_a_team_of_distinct_inspectors_reproducibly(self) -> None:
        targets = d.draw(seed=SEED, pool=POOL, n=10).chosen
        teams = d.assign_teams(seed=SEED, targets=targets, candidates=self.INSPECTORS)
        assert [t.target for t in teams] == list(targets)
        assert all(len(set(t.members)) == 2 for t in teams)
        assert teams == d.assign_teams(seed=SEED, targets=targets, candidates=reversed(self.INSPECTORS))

    def test_the_team_is_the_first_two_in_the_documented_ranking(self) -> None:
        team = d.assign_teams(seed=SEED, targets=["T1"], candidates=self.INSPECTORS)[0]
        key = bytes.fromhex(SEED)
        ranked = sorted(self.INSPECTORS, key=lambda c: hmac.digest(key, b"team\nT1\n" + c.encode(), "sha256"))
        assert team.members == tuple(ranked[:2])

    def test_an_excluded_candidate_is_never_chosen_for_that_target(self) -> None:
        targets = d.draw(seed=SEED, pool=POOL, n=30).chosen
        excluded = {t: {"I00", "I01", "I02"} for t in targets[::2]}
        teams = d.assign_teams(seed=SEED, targets=targets, candidates=self.INSPECTORS, excluded=excluded)
        for team in teams:
            assert not set(team.members) & excluded.get(team.target, set())
        assert any({"I00", "I01", "I02"} & set(t.members) for t in teams[1::2])  # elsewhere they work

    def test_no_pair_goes_beyond_the_limit_within_a_draw_and_with_history(self) -> None:
        targets = d.draw(seed=SEED, pool=POOL, n=20).chosen
        history = {d.pair_key("I00", "I01"): 1}
        teams = d.assign_teams(
            seed=SEED, targets=targets, candidates=self.INSPECTORS, pair_limit=1, pair_history=history
        )
        pairs = Counter(d.pair_key(*t.members) for t in teams)
        assert max(pairs.values()) == 1
        assert d.pair_key("I00", "I01") not in pairs

    def test_the_pair_limit_moves_down_the_ranking_but_keeps_the_best_ranked_member(self) -> None:
        first = d.assign_teams(seed=SEED, targets=["T1"], candidates=self.INSPECTORS)[0].members
        again = d.assign_teams(
            seed=SEED,
            targets=["T1"],
            candidates=self.INSPECTORS,
            pair_limit=1,
            pair_history={d.pair_key(*first): 1},
        )[0].members
        assert again[0] == first[0] and again[1] != first[1]

    def test_a_team_that_cannot_be_formed_is_refused_naming_the_target(self) -> None:
        with pytest.raises(d.NoTeamPossible) as exc:
            d.assign_teams(
                seed=SEED, targets=["T1"], candidates=["I00", "I01", "I02"], excluded={"T1": {"I00", "I01"}}
            )
        assert exc.value.detail["target"] == "T1" and exc.value.status == 409

    def test_three_inspectors_with_pair_limit_one_give_one_team_of_three(self) -> None:
        teams = d.assign_teams(
            seed=SEED, targets=["T1"], candidates=["I00", "I01", "I02"], team_size=3, pair_limit=1
        )
        assert sorted(teams[0].members) == ["I00", "I01", "I02"]
        with pytest.raises(d.NoTeamPossible):
            d.assign_teams(
                seed=SEED, targets=["T1", "T2"], candidates=["I00", "I01", "I02"], team_size=3, pair_limit=1
            )

    def test_the_search_finds_a_team_when_the_best_ranked_candidate_has_used_up_every_pair(self) -> None:
        team = d.assign_teams(seed=SEED, targets=["T1"], candidates=self.INSPECTORS)[0].members
        best = team[0]
        history = {d.pair_key(best, other): 5 for other in self.INSPECTORS if other != best}
        again = d.assign_teams(
            seed=SEED, targets=["T1"], candidates=self.INSPECTORS, pair_limit=5, pair_history=history
        )[0].members
        assert best not in again

    @staticmethod
    def _target_whose_first_team_is(pair: set[str], candidates: list[str]) -> tuple[str, list[str]]:
        """A target name whose ranking puts `pair` first (found by trying names; no randomness)."""
        for i in itertools.count():
            name = f"T{i}"
            ranked = d.team_ranking(bytes.fromhex(SEED), name, candidates)
            if set(ranked[:2]) == pair:
                return name, ranked
        raise AssertionError  # pragma: no cover - itertools.count never ends

    def test_an_earlier_target_gives_up_its_first_team_when_a_later_one_needs_that_pair(self) -> None:
        # X may only get P3+P4 (P1, P2 recused); the earlier target's first team is P3+P4 too, and the
        # pair may work together once. One at a time would refuse X; a lawful assignment exists.
        candidates = ["P1", "P2", "P3", "P4"]
        first, ranked = self._target_whose_first_team_is({"P3", "P4"}, candidates)
        teams = d.assign_teams(
            seed=SEED, targets=[first, "X"], candidates=candidates, excluded={"X": {"P1", "P2"}}, pair_limit=1
        )
        assert teams[0].members == (ranked[0], ranked[2])  # the next combination in rank positions
        assert set(teams[1].members) == {"P3", "P4"}

    def test_backtracking_changes_nothing_where_one_at_a_time_gets_through(self) -> None:
        candidates = ["P1", "P2", "P3", "P4"]
        first, ranked = self._target_whose_first_team_is({"P3", "P4"}, candidates)
        teams = d.assign_teams(seed=SEED, targets=[first, "X"], candidates=candidates, pair_limit=1)
        assert teams[0].members == tuple(ranked[:2])
        assert d.pair_key(*teams[1].members) != d.pair_key("P3", "P4")

    def test_more_teams_than_the_pairs_left_allow_are_refused_before_any_search(self) -> None:
        # three inspectors make three pairs; with each pair allowed once, the fourth target has none
        targets = ["T1", "T2", "T3", "T4"]
        with pytest.raises(d.NoTeamPossible) as exc:
            d.assign_teams(seed=SEED, targets=targets, candidates=["I00", "I01", "I02"], pair_limit=1)
        assert exc.value.detail["target"] == "T4"
        three = d.assign_teams(seed=SEED, targets=targets[:3], candidates=["I00", "I01", "I02"], pair_limit=1)
        assert len({d.pair_key(*t.members) for t in three}) == 3
        history = {d.pair_key("I00", "I01"): 1}
        with pytest.raises(d.NoTeamPossible) as exc:
            d.assign_teams(
                seed=SEED,
                targets=targets[:3],
                candidates=["I00", "I01", "I02"],
                pair_limit=1,
                pair_history=history,
            )
        assert exc.value.detail["target"] == "T3"

    def test_when_no_order_works_the_target_the_search_could_not_pass_is_named(self) -> None:
        # enough pairs in all, but T1 and T2 can both only have P3+P4, allowed once
        recused = {"T1": {"P1", "P2"}, "T2": {"P1", "P2"}}
        with pytest.raises(d.NoTeamPossible) as exc:
            d.assign_teams(
                seed=SEED,
                targets=["T0", "T1", "T2"],
                candidates=["P1", "P2", "P3", "P4"],
                excluded=recused,
                pair_limit=1,
            )
        assert exc.value.detail["target"] == "T2"

    def test_the_search_gives_up_after_its_budget_and_says_so(self) -> None:
        # six free targets before two that both need the same pair: every order of the six fails
        candidates = ["P1", "P2", "P3", "P4", "P5"]
        targets = [f"T{i}" for i in range(6)] + ["X1", "X2"]
        recused = {"X1": {"P1", "P2", "P3"}, "X2": {"P1", "P2", "P3"}}
        with pytest.raises(d.NoTeamPossible) as exc:
            d.assign_teams(
                seed=SEED, targets=targets, candidates=candidates, excluded=recused, pair_limit=1, budget=50
            )
        assert "50" in str(exc.value.message) and exc.value.detail["target"] in {"X1", "X2"}

    def test_duplicate_targets_are_refused(self) -> None:
        with pytest.raises(d.DrawInputError):
            d.assign_teams(seed=SEED, targets=["T1", "T1"], candidates=self.INSPECTORS)

    def test_pair_key_is_order_free(self) -> None:
        assert d.pair_key("B", "A") == d.pair_key("A", "B") == ("A", "B")
        assert all(
            d.pair_key(a, b) == d.pair_key(b, a) for a, b in itertools.combinations(self.INSPECTORS, 2)
        )


class TestMemory:
    def test_a_streamed_pool_is_drawn_in_constant_memory(self) -> None:
        import tracemalloc

        def peak(size: int) -> int:
            tracemalloc.start()
            d.draw(seed=SEED, pool=(f"T{i:08d}" for i in range(size)), n=10)
            _current, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return top

        small, large = peak(2_000), peak(40_000)
        assert large < 64 * 1024  # a list of 40,000 ids alone would take about 2.5 MB
        assert large < small * 2
