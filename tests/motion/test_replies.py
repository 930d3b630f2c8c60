"""Reply parsing: the dialect's data replies, alarm wording, and a fuzz of the whole reply path."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motion_daemon.driver.errors import AlarmResponse, ErrorResponse, ParseError, SmoothieError
from motion_daemon.driver.line_protocol import clean_reply, frame, raise_for_reply, reply_complete
from motion_daemon.driver.replies import (
    decode_eeprom, describe_alarm, normalize_model, parse_homed_flags, parse_position, parse_switches, parse_version,
)
from motion_daemon.smoothie_sim import dialect


def test_framing_matches_the_dialect() -> None:
    assert frame("G28.2 X") == b"G28.2 X \r\n\r\n"
    assert frame("") == b"\r\n\r\n"


def test_position_reply_round_trips_through_the_simulated_dialect() -> None:
    position = {"X": 418.0, "Y": -3.25, "Z": 218.0, "A": 0.0, "B": 19.0, "C": -14.5}
    raw = f"{dialect.position_reply(position)}\r\nok\r\nok\r\n".encode()
    assert reply_complete(raw)
    assert parse_position(clean_reply(raw, "M114.2")) == position


def test_homed_flags_and_switches() -> None:
    assert parse_homed_flags("X:1 Y:0 Z:1 A:0 B:0 C:1") == {
        "X": True, "Y": False, "Z": True, "A": False, "B": False, "C": True}
    switches = parse_switches(dialect.switches_reply({a: a == "Y" for a in "XYZABC"}, probe=True))
    assert switches["Y"] and not switches["X"] and switches["Probe"]
    with pytest.raises(ParseError):
        parse_homed_flags("X:1 Y:0 Z:1")
    with pytest.raises(ParseError):
        parse_homed_flags("X:2 Y:0 Z:1 A:0 B:0 C:1")
    with pytest.raises(ParseError):
        parse_switches("X_max:0 Probe: 0")


def test_version_with_and_without_the_label() -> None:
    assert parse_version(dialect.VERSION_REPLY) == "edge-8414642"
    assert parse_version("Build version: edge-1234NOMSD, Build date: x") == "edge-1234"
    assert parse_version(clean_reply(dialect.VERSION_REPLY.encode(), "version")) == "edge-8414642"
    assert parse_version("   ") is None


@pytest.mark.parametrize("stored, model", [
    ("p300_single_v20", "p300_single_v2.0"), ("p10_single_v13", "p10_single_v1.3"),
    ("p50_multi", "p50_multi_v1"), ("p20_single_v2.2", "p20_single_v2.2"), ("p10_single_v1", "p10_single_v1"),
])
def test_eeprom_model_normalisation(stored: str, model: str) -> None:
    assert normalize_model(decode_eeprom(dialect.eeprom_reply("R", stored), "R")) == model


def test_eeprom_lowercase_hex_and_bad_values() -> None:
    assert decode_eeprom("L:" + b"abc".hex() + "00ff", "L") == "abc"
    with pytest.raises(ParseError):
        decode_eeprom("L:ABC", "L")
    with pytest.raises(ParseError):
        decode_eeprom("R:4142", "L")
    with pytest.raises(ParseError):
        decode_eeprom("L:0102", "L")


def test_alarm_wording_is_plain_language() -> None:
    assert describe_alarm("ALARM: Hard limit +A") == ("right pipette Z hit its top limit switch", "A")
    assert describe_alarm("Limit switch +X was hit - reset or M999 required")[1] == "X"
    assert "homing failed" in describe_alarm("ALARM: Homing fail")[0]
    assert "halted" in describe_alarm("!!")[0]
    with pytest.raises(AlarmResponse, match="left pipette plunger hit its top limit switch"):
        raise_for_reply("ALARM: Hard limit +B", "G0 B30")
    with pytest.raises(ErrorResponse, match="no L instrument"):
        raise_for_reply("error:no L instrument found", "M371 L")


def test_whitespace_only_and_partial_replies_are_not_complete() -> None:
    assert not reply_complete(b"")
    assert not reply_complete(b" \r\n\t\r\n")
    assert not reply_complete(b"ok\r\n")
    assert not reply_complete(b"error: half a li")
    assert clean_reply(b"  \r\n \r\nok\r\nok\r\n", "G0 X1") == ""


replies = st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from([b"ok", b"ok MCS:", b" X:1.5", b"Y:-2", b"\r\n", b" ", b"!!", b"error", b"ALARM: Hard",
                              b" limit +", b"Z", b"L:", b"4142", b"\x00", b"\xff", b"version:", b","]),
             max_size=30).map(b"".join),
)
commands = st.sampled_from(["", "M114.2", "G28.6", "M119", "version", "M369 L", "G0 X10", "M400"])
PARSERS = [parse_position, parse_homed_flags, parse_switches, parse_version,
           lambda text: decode_eeprom(text, "L"), describe_alarm]


@settings(max_examples=300, deadline=None)
@given(raw=replies, command=commands)
def test_fuzzed_replies_raise_only_typed_errors(raw: bytes, command: str) -> None:
    reply_complete(raw)
    text = clean_reply(raw, command)
    try:
        raise_for_reply(text, command)
    except SmoothieError:
        pass
    for parse in PARSERS:
        try:
            parse(text)
        except ParseError:
            pass
