# Kernels started by the tests: keep no history (nothing is written into the repository).
c.HistoryManager.enabled = False
