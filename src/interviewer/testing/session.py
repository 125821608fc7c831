"""Test doubles for interviews: a controllable clock and a small, complete question built in code."""

from __future__ import annotations

from interviewer.content.questions import Question
from interviewer.interview.engine import Engine
from interviewer.interview.replies import Reply
from interviewer.interview.session import InterviewSession
from interviewer.phases import Phase


class FakeClock:
    """A clock that only moves when told to. Call it like `time.time`."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 0.0, *, minutes: float = 0.0) -> None:
        self.now += seconds + 60.0 * minutes


def _point(pid: str, point: str, alternatives: list[str], file: str, heading: str) -> dict[str, object]:
    return {
        "id": pid,
        "point": point,
        "alternatives": alternatives,
        "learn": {"file": file, "heading": heading},
    }


def tiny_question(question_id: str = "video-recs") -> Question:
    """A short video-recommendation question with two or three key points per phase."""
    e2e = "end_to_end_ml_system_design.md"
    walk = "interview_walkthroughs.md"
    rel = "reliability_and_availability.md"
    cost = "cost_vs_latency_tradeoffs.md"
    return Question.model_validate(
        {
            "id": question_id,
            "title": "Design video recommendations",
            "topic": "recommendations",
            "difficulty": "medium",
            "prompt": "Let's design the system that picks videos for a user's home page. Where would you like to start?",
            "hidden_facts": [
                {
                    "topic": "scale",
                    "keywords": ["users", "dau", "traffic", "qps", "scale", "how many"],
                    "fact": "About 2 billion users, 500 million of them active daily, and about 50K requests per second at peak.",
                },
                {
                    "topic": "latency",
                    "keywords": ["latency", "fast", "milliseconds", "response time"],
                    "fact": "The home page API must answer in under 200 milliseconds.",
                },
                {
                    "topic": "goal_metric",
                    "keywords": ["metric", "optimise", "optimize", "goal", "success"],
                    "fact": "The business cares about long-term watch time, not clicks.",
                },
                {
                    "topic": "availability",
                    "keywords": ["availability", "uptime", "downtime"],
                    "fact": "The target is 99.95% availability.",
                },
            ],
            "estimates": [
                {
                    "label": "Peak request rate",
                    "arithmetic": "500M DAU × 5 loads ÷ 86,400 s ≈ 29K/s; ×1.7 at peak",
                    "result": "~50K requests per second",
                    "inputs": [
                        {"name": "daily_users", "value": 500e6, "unit": "users", "from": "fact"},
                        {"name": "loads_per_user", "value": 5, "unit": "loads", "from": "assumption"},
                        {"name": "peak_factor", "value": 1.7, "unit": "× mean", "from": "assumption"},
                    ],
                    "formula": "daily_users * loads_per_user / 86400 * peak_factor",
                    "value": 50e3,
                    "unit": "requests/s",
                }
            ],
            "phases": {
                "requirements": {
                    "key_points": [
                        _point(
                            "goal-metric",
                            "Agrees the objective is long-term watch time rather than clicks.",
                            ["optimise watch time not clicks"],
                            e2e,
                            "Framing and metrics",
                        ),
                        _point(
                            "scale-numbers",
                            "States the scale: daily active users and peak requests per second.",
                            ["daily active users and peak qps"],
                            walk,
                            "YouTube requirements",
                        ),
                        _point(
                            "latency-budget",
                            "Sets a latency budget for the home page response in milliseconds.",
                            ["latency budget in milliseconds"],
                            walk,
                            "YouTube requirements",
                        ),
                    ],
                    "probes": [
                        "What exactly would success look like here, in one metric like watch time?",
                        "How many daily active users and requests per second should we plan for?",
                        "What latency budget in milliseconds does the home page have?",
                    ],
                    "pitfalls": ["Jumping to a model before agreeing on the goal."],
                    "model_outline": ["Goal: long-term watch time.", "Scale: 500M DAU, 50K QPS peak."],
                },
                "architecture": {
                    "key_points": [
                        _point(
                            "two-stage",
                            "Uses candidate generation followed by a ranking stage.",
                            ["candidate generation then ranking"],
                            e2e,
                            "Two-stage retrieval and ranking",
                        ),
                        _point(
                            "feature-store",
                            "Serves features from a feature store shared by training and serving.",
                            ["feature store for training and serving"],
                            "data_architecture_patterns.md",
                            "Feature stores",
                        ),
                    ],
                    "probes": [
                        "How do you get from a billion videos down to a few hundred candidates before ranking?",
                        "Where do the features come from at serving time, and how do they match training?",
                    ],
                    "pitfalls": ["Scoring every video with a heavy model."],
                    "model_outline": [
                        "Candidate generation, then ranking.",
                        "A feature store for both paths.",
                    ],
                },
                "deep_dive": {
                    "key_points": [
                        _point(
                            "ranking-model",
                            "Chooses a ranking model and explains its features and labels.",
                            ["ranking model features and labels"],
                            e2e,
                            "Training",
                        ),
                        _point(
                            "cache-candidates",
                            "Caches candidates per user in Redis to meet the latency budget.",
                            ["cache candidates in redis"],
                            walk,
                            "YouTube deep dive",
                        ),
                    ],
                    "probes": [
                        "What ranking model would you pick, and what features and labels does it learn from?",
                        "How would you cache candidates to stay inside the latency budget?",
                    ],
                    "pitfalls": ["Naming a model with no features."],
                    "model_outline": ["Ranking with a gradient-boosted model.", "Redis cache of candidates."],
                },
                "issues": {
                    "key_points": [
                        _point(
                            "fallback-popular",
                            "Falls back to popular videos when the ranking service fails.",
                            ["fallback to popular videos"],
                            rel,
                            "Graceful degradation and fallbacks",
                        ),
                        _point(
                            "drift-monitoring",
                            "Monitors drift and alerts when click-through drops.",
                            ["monitor drift and alert on ctr drop"],
                            rel,
                            "Monitoring and alerts",
                        ),
                    ],
                    "probes": [
                        "What does the user see if the ranking service goes down?",
                        "How would you notice the model getting worse over time, like drift?",
                    ],
                    "pitfalls": ["No fallback."],
                    "model_outline": ["Popular-videos fallback.", "Drift and CTR alerts."],
                },
                "optimization": {
                    "key_points": [
                        _point(
                            "cache-hit-rate",
                            "Uses a result cache and estimates its hit rate to cut load.",
                            ["cache results with a hit rate estimate"],
                            cost,
                            "Caching for cost and latency",
                        ),
                        _point(
                            "autoscaling",
                            "Autoscales serving instances with the request rate.",
                            ["autoscale instances with traffic"],
                            cost,
                            "Spot capacity and autoscaling",
                        ),
                    ],
                    "probes": [
                        "How much load could a result cache take off, and what hit rate would you expect?",
                        "How would the number of serving instances follow the traffic through the day?",
                    ],
                    "pitfalls": ["Scaling without numbers."],
                    "model_outline": ["Five-minute cache at ~60% hit rate.", "Autoscaling on QPS."],
                },
            },
        }
    )


def keyword_engine(interviewer: object | None = None, grader: object | None = None) -> Engine:
    """An offline engine on `KeywordGrader`, for fast interview-flow tests. Pass an interviewer to swap it."""
    from interviewer.interview.interviewer import OfflineInterviewer
    from interviewer.testing.grading import KeywordGrader

    g = grader or KeywordGrader()
    return Engine(
        name="offline",
        interviewer=interviewer or OfflineInterviewer(),  # type: ignore[arg-type]
        grader=g,  # type: ignore[arg-type]
        offline_grader=g,  # type: ignore[arg-type]
    )


#: Answers that cover every key point of one phase of `tiny_question()`.
TINY_COVERING_ANSWERS: dict[Phase, str] = {
    "requirements": (
        "We should optimise watch time, not clicks. With 500 million daily active users and 50K peak qps, "
        "the home page needs a latency budget of 200 milliseconds."
    ),
    "architecture": (
        "I'd use candidate generation then ranking, and a feature store for training and serving so the "
        "features match."
    ),
    "deep_dive": (
        "The ranking model is a gradient-boosted tree; its features and labels come from watch logs. "
        "We cache candidates in Redis per user."
    ),
    "issues": "We fallback to popular videos when ranking fails, and we monitor drift and alert on a CTR drop.",
    "optimization": (
        "Cache results for five minutes with a hit rate estimate of 60 percent, and autoscale instances "
        "with traffic."
    ),
}


def answer_and_move_on(session: InterviewSession, text: str) -> Reply:
    """Submit `text`, then ask to move on if the phase it was said in is still running.

    A phase no longer ends just because its key points were all mentioned; a candidate who has said what
    they wanted moves on themselves, as this does.
    """
    phase = session.phase
    reply = session.submit(text)
    if phase is not None and session.phase == phase:
        reply = session.next_phase()
    return reply
