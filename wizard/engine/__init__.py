"""The engine: the plan, its steps' contract, the run, and the Workbench both faces drive.

``plan`` names the steps of each build mode; ``step`` is the contract every step follows
(detect, actions, run); ``run`` performs a slice of the plan; ``workbench`` is the one door
the command line and the TUI go through (lock, trust, order, state); ``runner`` starts
processes; ``sink`` carries a run's output to a face; ``state`` reads ``state:``.
"""
