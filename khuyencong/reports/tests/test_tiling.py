"""Which stored values answer a period: exact tilings only, fewest values first."""

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from khuyencong.reports.tiling import Stored, answer, exact_tiling, level_at_end

D = dt.date


def year(y, value):
    return Stored(D(y, 1, 1), D(y, 12, 31), value)


def test_the_single_exact_value_wins():
    values = [
        Stored(D(2012, 1, 1), D(2023, 12, 31), 500),
        *[year(y, 40) for y in range(2012, 2024)],
    ]
    assert exact_tiling(values, D(2012, 1, 1), D(2023, 12, 31)) == [values[0]]


def test_a_nine_month_value_is_never_added_to_its_year():
    nine = Stored(D(2020, 1, 1), D(2020, 9, 30), 90)
    whole = year(2020, 100)
    assert exact_tiling([nine, whole], D(2020, 1, 1), D(2020, 12, 31)) == [whole]
    assert exact_tiling([nine, whole], D(2020, 1, 1), D(2020, 9, 30)) == [nine]
    # Nine months and a year cover 15 months only by overlapping: no answer for 2020–2021.
    assert exact_tiling([nine, whole], D(2020, 1, 1), D(2021, 12, 31)) is None


def test_a_year_inside_a_range_is_not_added_to_the_range():
    total = Stored(D(2012, 1, 1), D(2023, 12, 31), 500)
    assert exact_tiling([total, year(2015, 40)], D(2012, 1, 1), D(2023, 12, 31)) == [total]
    assert exact_tiling([total, year(2015, 40)], D(2012, 1, 1), D(2024, 12, 31)) is None
    assert exact_tiling([total, year(2024, 40)], D(2012, 1, 1), D(2024, 12, 31)) == [
        total,
        year(2024, 40),
    ]


def test_quarters_tile_a_year_and_a_gap_does_not():
    quarters = [
        Stored(D(2021, 1, 1), D(2021, 3, 31), 1),
        Stored(D(2021, 4, 1), D(2021, 6, 30), 2),
        Stored(D(2021, 7, 1), D(2021, 9, 30), 3),
        Stored(D(2021, 10, 1), D(2021, 12, 31), 4),
    ]
    assert sum(v.value for v in exact_tiling(quarters, D(2021, 1, 1), D(2021, 12, 31))) == 10
    assert exact_tiling(quarters[:2] + quarters[3:], D(2021, 1, 1), D(2021, 12, 31)) is None


def test_counting_rules():
    values = [year(2020, 10), year(2021, 20)]
    assert answer(values, D(2020, 1, 1), D(2021, 12, 31), "sum") == values
    assert answer(values, D(2020, 1, 1), D(2021, 12, 31), "distinct") is None
    assert answer(values, D(2020, 1, 1), D(2021, 12, 31), "ratio") is None
    assert answer(values, D(2020, 1, 1), D(2021, 12, 31), "level") == [values[1]]
    assert level_at_end(values, D(2015, 1, 1), D(2021, 12, 31)) == values[1]
    assert answer(values, D(2021, 1, 1), D(2021, 12, 31), "ratio") == [values[1]]


days = st.integers(min_value=1, max_value=60)


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(days, min_size=1, max_size=8),
    extras=st.lists(st.tuples(st.integers(0, 300), days, st.integers(0, 10**6)), max_size=8),
)
def test_any_answer_exactly_tiles_and_a_partition_is_always_found(pieces, extras):
    start = D(2020, 1, 1)
    partition, day = [], start
    for index, length in enumerate(pieces):
        end = day + dt.timedelta(days=length - 1)
        partition.append(Stored(day, end, index + 1))
        day = end + dt.timedelta(days=1)
    last = day - dt.timedelta(days=1)
    noise = [
        Stored(start + dt.timedelta(days=o), start + dt.timedelta(days=o + n - 1), v)
        for o, n, v in extras
    ]
    tiling = exact_tiling(partition + noise, start, last)
    assert tiling is not None
    assert len(tiling) <= len(partition)
    # Contiguous, inside, no overlap: each starts the day after the previous one ends.
    assert tiling[0].start == start and tiling[-1].end == last
    for before, after in itertools.pairwise(tiling):
        assert after.start == before.end + dt.timedelta(days=1)
    # Removing the first partition piece leaves no way to start unless noise covers it.
    rest = partition[1:] + [v for v in noise if v.start != start]
    assert exact_tiling(rest, start, last) is None
