"""Numbers read in their written forms: word runs, fractions of a number, seasons, units."""

from __future__ import annotations

import pytest

from verifiers.text.numbers import quantities


def only(text: str) -> tuple[float, str]:
    [quantity] = quantities(text)
    return round(quantity.value, 2), quantity.unit


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("nineteen thousand two hundred fans", 19_200.0, "fan"),
        ("three thousand and six votes", 3_006.0, "vote"),
        ("six and a half percent", 6.5, "%"),
        ("three per cent", 3.0, "%"),
        ("from the 2027/28 season", 2027.0, "season"),
        ("starting 31/32", 2031.0, ""),
        ("about 100 miles", 160.93, "km"),
    ],
)
def test_written_forms(text: str, value: float, unit: str) -> None:
    assert only(text) == (value, unit)


def test_a_score_is_no_season() -> None:
    assert [q.value for q in quantities("they lost 20-21 in the final")] == [20.0, 21.0]


def test_miles_and_kilometres_compare() -> None:
    [miles] = quantities("some 62 miles")
    [km] = quantities("100 km")
    assert miles.same_value(km)


@pytest.mark.parametrize(
    ("rough", "precise", "same"),
    [
        ("45%", "44.8%", True),  # rounded
        ("4.2%", "4.17%", True),
        ("45%", "44.2%", False),  # not a rounding of it
        ("3%", "3.4%", False),  # one digit: too rough to say it rounds
    ],
)
def test_a_rounded_figure_is_the_precise_one(rough: str, precise: str, same: bool) -> None:
    [a] = quantities(rough)
    [b] = quantities(precise)
    assert a.same_value(b) is same
    assert b.same_value(a) is same


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the council spent two point three million pounds", 2_300_000),
        ("rates held at four point two five percent", 4.25),
        ("growth of one point two percent", 1.2),
        ("a 3 point 5 rating", 3.5),
    ],
)
def test_a_decimal_said_aloud_is_read(text: str, value: float) -> None:
    assert value in {q.value for q in quantities(text)}


def test_at_one_point_is_an_idiom_not_a_decimal() -> None:
    assert [q.value for q in quantities("at one point seven people were trapped")] == [7]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("half a million visitors", 500_000),
        ("a quarter of a million people", 250_000),
        ("three quarters of a billion dollars", 750_000_000),
        ("1.5 thousand million pounds", 1_500_000_000),
        ("a thousand million pounds", 1_000_000_000),
    ],
)
def test_a_share_of_a_scale_is_one_figure(text: str, value: float) -> None:
    [found] = quantities(text)
    assert found.value == value
    assert found.unit != "%"


@pytest.mark.parametrize(
    ("text", "other", "same"),
    [
        ("almost 2 billion euros", "1.8 billion euros", True),
        ("around 1,700 prisoners", "1,650 prisoners", True),
        ("about 1,500 prisoners", "1,700 prisoners", False),
        ("2 billion euros", "1.8 billion euros", False),  # said as exact: another figure
        ("roughly 30%", "31.5%", True),
        ("roughly 30%", "25%", False),  # a share is rough by points, not by a tenth
    ],
)
def test_a_figure_said_to_be_rough_meets_a_near_one(text: str, other: str, same: bool) -> None:
    (rough,), (precise,) = quantities(text), quantities(other)
    assert rough.same_value(precise) is same


def test_a_year_is_never_rough() -> None:
    (year,) = quantities("around 2019")
    assert not year.same_value(quantities("2021")[0])


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("measles cases in england jumped to 2,911 in 2024", [2911.0, 2024.0]),
        ("12 in 2019", [12.0, 2019.0]),
        ("one in three adults", [100 / 3]),
    ],
)
def test_a_count_in_a_year_is_no_share(text: str, values: list[float]) -> None:
    assert [q.value for q in quantities(text)] == pytest.approx(values)


@pytest.mark.parametrize(
    ("text", "other", "same"),
    [
        ("40 degrees", "40°C", True),
        ("104F", "40C", True),
        ("95 degrees", "35 °C", True),  # above any weather in Celsius: Fahrenheit
        ("38C", "35C", False),
        ("75 mph", "120 km/h", True),
        ("183 kph", "183km/h", True),
        ("95 mph", "120 kmh", False),
    ],
)
def test_temperatures_and_speeds_in_other_units(text: str, other: str, same: bool) -> None:
    (one,), (two,) = quantities(text.casefold()), quantities(other.casefold())
    assert one.unit == two.unit
    assert one.same_value(two) is same


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("rents doubled", 2.0, "times"),
        ("rents went up 3x", 3.0, "times"),
        ("rents rose threefold", 3.0, "times"),
        ("twice as many people", 2.0, "times"),
        ("four times as many", 4.0, "times"),
        ("rents halved", 0.5, "times"),
        ("in Q1", 1.0, "quarter"),
        ("in the second quarter", 2.0, "quarter"),
    ],
)
def test_factors_and_quarters(text: str, value: float, unit: str) -> None:
    [found] = quantities(text.casefold())
    assert (found.value, found.unit) == (value, unit)
