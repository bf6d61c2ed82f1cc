# Put on PYTHONPATH by tests that run a tool in a separate Python process (the website build):
# the same guard as the test kernels (tests/ipython_offline), so a build that tries to reach
# the network fails loudly instead of quietly depending on it.
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "ipython_offline" / "profile_default" / "startup"
                   / "00_no_network.py"))
