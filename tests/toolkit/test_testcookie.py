"""The tester's signed cookie (toolkit.web.testcookie): what this process signed reads back
quickly, and is still only good for its own test and unchanged."""

from __future__ import annotations

from toolkit.web import testcookie as tc

SECRET = "s" * 40


def _state() -> tc.TestState:
    state = tc.TestState(code="abc123", session_id="sess-1")
    state.answers = {"namn": "Kim", "hjalpmedel": ["Rollator", "Käpp"]}
    state.history = ["start", "namn"]
    return state


def test_a_value_this_process_signed_reads_back_the_same_state() -> None:
    state = _state()
    value = tc.encode(state, SECRET)
    assert tc.decode(value, SECRET, code="abc123") == state


def test_changing_a_read_state_or_the_sent_one_does_not_change_what_the_value_holds() -> None:
    state = _state()
    value = tc.encode(state, SECRET)
    state.answers["hjalpmedel"].append("Rullstol")  # the handler goes on after sending
    state.history.append("kontroll")
    first = tc.decode(value, SECRET, code="abc123")
    assert first is not None and first.answers["hjalpmedel"] == ["Rollator", "Käpp"]
    first.answers["hjalpmedel"].append("Annat")
    first.history.clear()
    again = tc.decode(value, SECRET, code="abc123")
    assert again is not None
    assert again.answers["hjalpmedel"] == ["Rollator", "Käpp"]
    assert again.history == ["start", "namn"]


def test_a_signed_value_is_still_only_good_for_its_own_test_and_secret() -> None:
    value = tc.encode(_state(), SECRET)
    assert tc.decode(value, SECRET, code="other1") is None
    assert tc.decode(value, "t" * 40, code="abc123") is None
    payload, mac = value.split(".")
    assert tc.decode(f"{payload}x.{mac}", SECRET, code="abc123") is None
    assert tc.decode(f"{payload}.{mac[:-2]}AA", SECRET, code="abc123") is None


def test_a_value_signed_by_an_earlier_process_is_checked_and_read_in_full() -> None:
    state = _state()
    value = tc.encode(state, SECRET)
    tc._SIGNED.clear()  # as after a restart
    assert tc.decode(value, SECRET, code="abc123") == state


def test_only_what_is_sent_is_kept_and_the_memory_is_bounded() -> None:
    """A 60 KB answer is shortened before it goes out; the trial values are not kept, and
    no more than _SIGNED_MAX values are, whatever a phone posts."""
    tc._SIGNED.clear()
    state = _state()
    state.answers["berattelse"] = "ord " * 15_000
    value = tc.encode(state, SECRET)
    assert len(value) <= tc.MAX_COOKIE_CHARS
    assert list(tc._SIGNED) == [(SECRET, value)]
    for i in range(tc._SIGNED_MAX + 10):
        tc.encode(tc.TestState(code=f"k{i}"), SECRET)
    assert len(tc._SIGNED) <= tc._SIGNED_MAX


def test_a_packed_state_is_about_as_long_as_with_zlibs_defaults() -> None:
    """The smaller compressor state must not make cookies noticeably longer: long answers
    would then be shortened sooner than before (zlib.compress at level 6)."""
    import json
    import random
    import zlib

    rng = random.Random(7)
    words = ["ja", "nej", "Rollator", "Storgatan 12", "parkering", "läkarintyg", "070 123"]
    for n in (1, 5, 20, 60, 150, 300):
        state = tc.TestState(
            code="abc",
            history=[f"steg-{i}" for i in range(min(n, 60))],
            answers={f"f{i}": " ".join(rng.choices(words, k=rng.randint(1, 40))) for i in range(n)},
        )
        raw = json.dumps(state.to_dict(), ensure_ascii=False, separators=(",", ":"))
        before = tc._b64(zlib.compress(raw.encode("utf-8"), 6))
        payload = tc._pack(state, "s").split(".")[0]
        assert len(payload) <= len(before) * 1.01 + 4, n
        assert tc.decode(tc._pack(state, "s"), "s", code="abc") == state
