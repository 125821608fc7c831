"""The interview: the session state machine and its decisions, moves, reading a turn, phrasing, the interviewer strategies and the engine that bundles them."""
