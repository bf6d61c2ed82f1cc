# Kernels started by the tests: keep no history (nothing is written into the repository).
c.HistoryManager.enabled = False
# These kernels listen on 127.0.0.1 only; the "running over TCP without encryption" warning
# that ipykernel prints at start-up is noise here.
c.IPKernelApp.log_level = "ERROR"
