"""The simulated board's line handling on its own: dialect replies, halt state, and a fuzz of arbitrary input."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from motion_daemon.smoothie_sim.board import BoardConfig, SimulatedSmoothie


def test_halted_board_answers_only_m999() -> None:
    board = SimulatedSmoothie(BoardConfig())
    board.emergency_stop(0.0)
    assert board.handle_line("G0 X1", 0.0).text == "!!\r\n"
    assert board.handle_line("", 0.0).text == "!!\r\n"
    assert board.handle_line("M999", 0.0).text.startswith("WARNING: After HALT you should HOME")
    assert board.handle_line("G28.6", 0.0).text == "X:0 Y:0 Z:0 A:0 B:0 C:0\r\nok\r\n"


def test_malformed_lines_get_error_replies() -> None:
    board = SimulatedSmoothie(BoardConfig())
    for line in ("G0 Xabc", "G0 Q5", "M369", "M371 Q", "M92 X", "G0 F0", "G0 Xnan", "G0 X1e308", "G4 P-1",
                 "M203.1 X0", "M204 S10000 X-5"):
        assert board.handle_line(line, 0.0).text.startswith("error:"), line
    assert board.handle_line("M371 L", 0.0).text == "error:no L instrument found\r\n"


words = st.sampled_from(["G0", "G28.2", "G4", "M114.2", "M400", "M999", "M907", "X", "Y-3", "Z1e9", "P0.1", "F0",
                         "B", "nan", "version", "M369", "L", "G91", "G90", "M18", "ABC", "\x00", "M112", "S10",
                         "Xnan", "X1e308", "F-60", "M203.1", "M204", "X0", "Pinf", "P-1", "Y1e5"])


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.lists(words, max_size=6).map(" ".join) | st.text(max_size=40), max_size=8))
def test_any_input_gets_a_reply_and_never_raises(lines: list[str]) -> None:
    board = SimulatedSmoothie(BoardConfig())
    for step, line in enumerate(lines):
        reply = board.handle_line(line, float(step))
        assert reply.text.endswith("\r\n")
        board.poll(float(step) + 0.5)
