import subprocess
import sys

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="core dumps are a POSIX matter")
def test_process_refuses_core_dumps_after_hardening() -> None:
    code = (
        "from kiosk import hardening\n"
        "assert not hardening.core_dumps_forbidden()\n"
        "hardening.forbid_core_dumps()\n"
        "assert hardening.core_dumps_forbidden()\n"
        "print('ok')\n"
    )
    # A fresh process, since the limit cannot be raised again once lowered.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_the_command_line_hardens_itself() -> None:
    code = (
        "import sys\nfrom kiosk import hardening\nfrom kiosk.cli import main\n"
        "rc = main.main(['config', 'show', '--json'])\n"
        "sys.stderr.write(str(hardening.core_dumps_forbidden()))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stderr.strip().endswith("True"), result.stderr
