"""Judging answers: key-point coverage and answer signals, the `Grade`, the offline and LLM graders, spoken delivery and the scorecard reports."""
