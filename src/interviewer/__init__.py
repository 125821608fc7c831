"""interviewer: practise ML/AI system-design interviews with an AI interviewer."""

__version__ = "0.1.0"
