"""Runs the suite with unittest's discovery and ends with one summary line, 'python-client: N passed, N failed,
N skipped', the form CI reads. Arguments are passed to unittest (e.g. -k restart, -v)."""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class TimedResult(unittest.TextTestResult):
    """Notes the tests that took more than 2 s, to keep the suite's time in view."""

    slow = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        took = time.monotonic() - self._started
        if took > 2:
            TimedResult.slow.append((took, test.id()))
        super().stopTest(test)


def main(argv):
    sys.path.insert(0, ROOT)
    os.chdir(ROOT)
    started = time.monotonic()
    program = unittest.main(module=None, argv=["run.py", "discover", "-s", "tests", "-t", ".", *argv], exit=False,
                            testRunner=unittest.TextTestRunner(resultclass=TimedResult, verbosity=1))
    result = program.result
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    for took, name in sorted(TimedResult.slow, reverse=True):
        print(f"  slow: {took:5.1f} s  {name}", file=sys.stderr)
    print(f"  total {time.monotonic() - started:.1f} s", file=sys.stderr)
    print(f"python-client: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
