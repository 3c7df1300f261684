# RUN=2 flips test_sub to failing and test_div to passing.
import os
import unittest

RUN2 = os.environ.get("RUN") == "2"


class CalcTest(unittest.TestCase):
    def test_add(self):
        self.assertEqual(2 + 2, 4)

    def test_sub(self):
        self.assertEqual(2 - 2, 1 if RUN2 else 0)

    def test_div(self):
        self.assertTrue(RUN2, "division is not written yet")

    @unittest.skip("needs a network")
    def test_network(self):
        pass

    @unittest.expectedFailure
    def test_known_bug(self):
        self.assertEqual(1, 2)

    def test_error(self):
        raise RuntimeError("boom")


class ParserTest(unittest.TestCase):
    def test_empty(self):
        self.assertEqual("", "")
