# RUN=2 flips test_sub to failing and test_div to passing.
import os
import pytest

RUN2 = os.environ.get("RUN") == "2"


def test_add():
    assert 2 + 2 == 4


def test_sub():
    assert 2 - 2 == (1 if RUN2 else 0)


def test_div():
    assert RUN2, "division is not written yet"


@pytest.mark.skip(reason="needs a network")
def test_network():
    pass


@pytest.mark.xfail(reason="known bug")
def test_known_bug():
    assert False


@pytest.mark.parametrize("n", [0, 1, 2])
def test_square(n):
    assert n * n >= 0


class TestParser:
    def test_empty(self):
        assert "" == ""

    def test_error(self):
        if RUN2:
            raise RuntimeError("boom")
