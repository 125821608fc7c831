"""The shipped knowledge base: questions, chapters, links, rubrics and originality.

Most checks are parametrised per file, so a failure names the file and the check it broke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ftfy
import pytest
import yaml
from ftfy.badness import is_bad

from interviewer.content.questions import Question, QuestionBank, load_question
from interviewer.content.rubrics import RubricSet
from interviewer.errors import ContentError
from interviewer.phases import PHASES
from locations import KNOWLEDGE, SEED_NOTES

QUESTIONS_DIR = KNOWLEDGE / "questions"
QUESTION_FILES = sorted(QUESTIONS_DIR.glob("*.yaml"))

QUESTION_IDS = (
    "youtube-recommendations",
    "movie-recommendations",
    "search-ranking",
    "ad-serving",
    "fraud-detection",
    "feed-ranking",
    "support-chatbot-rag",
    "email-recommendations",
    "content-moderation",
    "dynamic-pricing",
    "demand-forecasting",
    "music-recommendations",
    "job-recommendations",
    "translation-service",
    "llm-serving-platform",
    "eta-prediction",
)
CORE_FACT_TOPICS = ("scale", "latency", "availability", "budget", "goal_metric")

CHAPTERS: dict[str, tuple[str, ...]] = {
    "overview.md": (
        "Interview format and pacing",
        "The RADIO framework",
        "Requirements",
        "Architecture",
        "Deep dive",
        "Issues",
        "Optimization",
        "Common question types",
        "Key principles",
        "Interview tips",
        "Practice questions",
    ),
    "end_to_end_ml_system_design.md": (
        "Framing and metrics",
        "Data and labels",
        "Features",
        "Training",
        "Offline evaluation",
        "Online evaluation and A/B tests",
        "Serving",
        "Monitoring and retraining",
        "Two-stage retrieval and ranking",
        "Cold start",
        "Exploration",
    ),
    "llm_application_design.md": (
        "RAG versus fine-tuning",
        "Prompting",
        "Context management",
        "Chunking and embeddings",
        "Vector stores",
        "Evaluation of LLM applications",
        "Hallucination and guardrails",
        "Prompt injection",
        "Caching and model routing",
        "Streaming responses",
        "Tools and agents",
    ),
    "interview_walkthroughs.md": (
        "YouTube recommendations",
        "YouTube requirements",
        "YouTube architecture",
        "YouTube deep dive",
        "YouTube scaling",
        "YouTube monitoring",
        "YouTube failure modes",
        "Fraud detection walkthrough",
        "Search ranking walkthrough",
        "Ad serving walkthrough",
        "Feed ranking walkthrough",
        "LLM support bot walkthrough",
    ),
    "high_throughput_inference.md": (
        "Dynamic batching",
        "Continuous batching",
        "Quantization",
        "Distillation",
        "GPU utilisation",
        "KV cache",
        "Model servers",
        "Autoscaling inference",
        "Latency percentiles and budgets",
    ),
    "streaming_pipelines.md": (
        "Logs and queues",
        "Stream processors",
        "Event time versus processing time",
        "Windows and watermarks",
        "Exactly-once processing",
        "Real-time features",
        "Backpressure",
        "Lambda versus kappa",
    ),
    "data_architecture_patterns.md": (
        "Lake, warehouse and lakehouse",
        "Orchestration",
        "Feature stores",
        "Point-in-time correctness",
        "Training/serving skew",
        "OLTP versus OLAP",
        "Storage choices",
        "Data quality",
        "Lineage",
    ),
    "cost_vs_latency_tradeoffs.md": (
        "Back-of-the-envelope cost",
        "Batch versus real-time",
        "Caching for cost and latency",
        "Smaller models and cascades",
        "Spot capacity and autoscaling",
        "LLM token cost",
        "Prompt caching",
        "Latency budgets",
    ),
    "reliability_and_availability.md": (
        "SLOs and downtime budgets",
        "Redundancy and failover",
        "Graceful degradation and fallbacks",
        "Circuit breakers",
        "Timeouts and retries",
        "Monitoring and alerts",
        "Model-specific failures",
        "Canary, shadow and rollback",
    ),
    "multi_tenant_ai_systems.md": (
        "Isolation of data and compute",
        "Noisy neighbours",
        "Quotas and rate limits",
        "Per-tenant models and adapters",
        "Namespaced vector stores",
        "Cost attribution",
        "Per-tenant SLOs",
        "Access control",
    ),
}
MIN_CHAPTER_WORDS = 1500
ORIGINALITY_RUN = 12


# --- Markdown helpers -------------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


def prose_lines(markdown: str) -> list[str]:
    """The lines of a Markdown document outside fenced code blocks."""
    lines: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        opener = _FENCE.match(line)
        if fence is None and opener:
            fence = opener.group(1)[0] * 3
        elif fence is not None and opener and opener.group(1).startswith(fence):
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def headings(markdown: str) -> list[Heading]:
    """ATX headings (`## Text`), skipping anything inside fenced code blocks."""
    found = []
    for line in prose_lines(markdown):
        match = _HEADING.match(line)
        if match:
            found.append(Heading(len(match.group(1)), match.group(2).strip()))
    return found


def slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return kept.replace(" ", "-")


def links(markdown: str) -> list[str]:
    """Targets of inline Markdown links outside code blocks and inline code."""
    targets = []
    for line in prose_lines(markdown):
        targets.extend(_LINK.findall(re.sub(r"`[^`]*`", "", line)))
    return targets


def word_count(markdown: str) -> int:
    return sum(1 for token in " ".join(prose_lines(markdown)).split() if re.search(r"[^\W_]", token))


# --- Originality helpers ----------------------------------------------------------------------------------

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _undo_mac_roman(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        return chunk.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return chunk


def repair(text: str) -> str:
    """Mojibake repair for the seed notes. They hold UTF-8 read as Mac Roman (`‚Üí` for `→`), which
    `ftfy.fix_text` leaves alone, so that layer is undone first and ftfy fixes the rest."""
    return ftfy.fix_text(_NON_ASCII_RUN.sub(_undo_mac_roman, text))


def words(text: str) -> list[str]:
    """Lower-cased words with punctuation stripped, for comparing runs of text."""
    return re.sub(r"[^\w\s]", "", text.lower()).split()


def runs(tokens: list[str], n: int = ORIGINALITY_RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def copied_runs(text: str, source_runs: set[tuple[str, ...]], n: int = ORIGINALITY_RUN) -> list[str]:
    """Each run of `n` or more words of `text` that also appears in the source, merged where they overlap."""
    tokens = words(text)
    hits = [i for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) in source_runs]
    merged: list[tuple[int, int]] = []
    for start in hits:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], start + n)
        else:
            merged.append((start, start + n))
    return [" ".join(tokens[a:b]) for a, b in merged]


@pytest.fixture(scope="module")
def seed_runs() -> set[tuple[str, ...]]:
    return runs(words(repair(SEED_NOTES.read_text(encoding="utf-8"))))


def _knowledge_files() -> list[Path]:
    return sorted(p for p in KNOWLEDGE.rglob("*") if p.is_file() and p.suffix in {".md", ".yaml", ".yml"})


def _rel(path: Path) -> str:
    return str(path.relative_to(KNOWLEDGE))


# --- The helpers the checks rely on -----------------------------------------------------------------------


def test_the_heading_parser_ignores_headings_inside_fenced_code() -> None:
    doc = (
        "# Title\n\n## Real section\n\n```bash\n## not a heading\n```\n\n"
        "~~~\n### nor this\n~~~\n\n### Real subsection ###\n"
    )

    assert headings(doc) == [Heading(1, "Title"), Heading(2, "Real section"), Heading(3, "Real subsection")]


def test_links_and_anchors_are_read_the_way_github_renders_them() -> None:
    doc = (
        "See [the lake](other.md#lake-warehouse-and-lakehouse), ![a picture](x.png), "
        "`[in inline code](a.md)` and [the web](https://example.org).\n```\n[in a block](b.md)\n```\n"
    )

    assert links(doc) == ["other.md#lake-warehouse-and-lakehouse", "https://example.org"]
    assert slug("Lake, warehouse and lakehouse") == "lake-warehouse-and-lakehouse"
    assert slug("Training/serving skew") == "trainingserving-skew"


def test_word_count_skips_code_blocks_and_table_rules() -> None:
    doc = "## Two words\n\n| a | b |\n|---|---|\n\n```\nnot counted at all\n```\nthree more words\n"

    assert word_count(doc) == 2 + 2 + 3


# --- The question bank ------------------------------------------------------------------------------------


def test_the_whole_question_bank_loads() -> None:
    bank = QuestionBank.load(KNOWLEDGE)

    assert len(bank) == len(QUESTION_FILES)


def test_the_bank_holds_every_named_question_and_at_least_sixteen() -> None:
    shipped = {path.stem for path in QUESTION_FILES}

    assert sorted(set(QUESTION_IDS) - shipped) == []
    assert len(shipped) >= 16


@pytest.fixture(params=QUESTION_FILES, ids=[p.name for p in QUESTION_FILES])
def question(request: pytest.FixtureRequest) -> Question:
    return load_question(request.param)


def test_each_question_file_is_named_after_its_id(question: Question) -> None:
    assert (QUESTIONS_DIR / f"{question.id}.yaml").is_file()


def test_each_question_covers_all_five_phases_with_two_key_points_or_more(question: Question) -> None:
    counts = {phase: len(question.phases[phase].key_points) for phase in PHASES if phase in question.phases}

    assert set(counts) == set(PHASES)
    assert {phase: n for phase, n in counts.items() if n < 2} == {}


def test_each_question_holds_back_at_least_five_facts_including_the_core_topics(question: Question) -> None:
    topics = {fact.topic for fact in question.hidden_facts}

    assert len(question.hidden_facts) >= 5
    assert [t for t in CORE_FACT_TOPICS if t not in topics] == []


def test_each_learn_link_points_to_a_chapter_section_that_exists(question: Question) -> None:
    broken = []
    for link in question.links():
        chapter = KNOWLEDGE / link.file
        if not chapter.is_file():
            broken.append(f"{link.file} (no such file)")
            continue
        texts = {h.text for h in headings(chapter.read_text(encoding="utf-8")) if h.level in (2, 3)}
        if link.heading not in texts:
            broken.append(f"{link.file}#{link.heading} (no such ## or ### heading)")

    assert sorted(set(broken)) == []


# --- The chapters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_has_its_required_sections_in_order(name: str) -> None:
    path = KNOWLEDGE / name
    assert path.is_file(), f"{name} is missing"
    sections = [h.text for h in headings(path.read_text(encoding="utf-8")) if h.level == 2]

    missing = [h for h in CHAPTERS[name] if h not in sections]
    present = [h for h in sections if h in CHAPTERS[name]]

    assert missing == []
    assert present == list(CHAPTERS[name])


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_is_a_real_chapter_of_at_least_1500_words(name: str) -> None:
    path = KNOWLEDGE / name
    assert path.is_file(), f"{name} is missing"

    assert word_count(path.read_text(encoding="utf-8")) >= MIN_CHAPTER_WORDS


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_heading_is_unique_within_its_file(name: str) -> None:
    path = KNOWLEDGE / name
    assert path.is_file(), f"{name} is missing"
    texts = [h.text for h in headings(path.read_text(encoding="utf-8"))]

    assert sorted({t for t in texts if texts.count(t) > 1}) == []


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_link_points_to_a_file_and_heading_that_exist(name: str) -> None:
    path = KNOWLEDGE / name
    assert path.is_file(), f"{name} is missing"
    broken = []
    for target in links(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.is_file():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md":
            anchors = {slug(h.text) for h in headings(linked.read_text(encoding="utf-8"))}
            if anchor.lower() not in anchors:
                broken.append(f"{target} (no such heading)")

    assert broken == []


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_chapter_is_clean_text_without_mojibake_or_html(name: str) -> None:
    path = KNOWLEDGE / name
    assert path.is_file(), f"{name} is missing"
    text = path.read_text(encoding="utf-8")
    prose = "\n".join(prose_lines(text))

    assert not is_bad(text)
    assert re.findall(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>", re.sub(r"`[^`]*`", "", prose)) == []


# --- The rubrics ------------------------------------------------------------------------------------------


def test_the_rubrics_load_with_a_rubric_for_every_phase_and_for_communication() -> None:
    rubrics = RubricSet.load(KNOWLEDGE)

    assert sorted(rubrics.phases) == sorted(PHASES)
    assert rubrics.communication.phase == "communication"
    assert rubrics.scale.signal_for(5.0).signal == "strong_hire"
    assert rubrics.scale.signal_for(1.0).signal == "strong_no_hire"


# --- A broken file ----------------------------------------------------------------------------------------


def _valid_question() -> dict[str, Any]:
    spec = {
        "key_points": [
            {
                "id": f"point-{n}",
                "point": f"A specific point number {n}.",
                "alternatives": ["another way to say it"],
                "learn": {"file": "overview.md", "heading": "Requirements"},
            }
            for n in (1, 2)
        ],
        "probes": ["What would you ask first?"],
        "pitfalls": ["Starting with the model."],
        "model_outline": ["Clarify the goal.", "Size the traffic."],
    }
    return {
        "id": "broken-example",
        "title": "Design an example system",
        "topic": "recommendations",
        "difficulty": "easy",
        "prompt": "Let's design an example system. Where would you start?",
        "hidden_facts": [
            {"topic": topic, "keywords": [topic], "fact": f"The {topic} is known."}
            for topic in CORE_FACT_TOPICS
        ],
        "estimates": [
            {
                "label": "Peak",
                "arithmetic": "1M ÷ 86,400 s × 2",
                "result": "~25 QPS",
                "inputs": [
                    {"name": "requests_per_day", "value": 1e6, "unit": "requests", "from": "assumption"},
                    {"name": "peak_factor", "value": 2, "unit": "× mean", "from": "assumption"},
                ],
                "formula": "requests_per_day / 86400 * peak_factor",
                "value": 23,
                "unit": "requests/s",
            }
        ],
        "phases": {phase: spec for phase in PHASES},
    }


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_example_question_used_below_is_valid_before_it_is_broken(tmp_path: Path) -> None:
    question = load_question(_write(tmp_path / "broken-example.yaml", _valid_question()))

    assert question.id == "broken-example"


def test_a_broken_question_file_reports_every_problem_with_file_name_and_field_path(tmp_path: Path) -> None:
    data = _valid_question()
    data["difficulty"] = "impossible"  # not one of easy, medium, hard
    data["estimates"] = "about a million"  # a string where a list belongs
    data["colour"] = "blue"  # an unknown field
    phases = dict(data["phases"])
    del phases["optimization"]  # a missing phase
    phases["deep_dive"] = {**phases["deep_dive"], "probes": 3}  # a number where a list belongs
    data["phases"] = phases
    path = _write(tmp_path / "broken-example.yaml", data)

    with pytest.raises(ContentError) as caught:
        load_question(path)

    problems = caught.value.problems
    assert all(p.startswith("broken-example.yaml: ") for p in problems)
    fields = [p.removeprefix("broken-example.yaml: ") for p in problems]
    assert any(f.startswith("difficulty:") for f in fields)
    assert any(f.startswith("estimates:") for f in fields)
    assert any(f.startswith("colour:") for f in fields)
    assert any(f.startswith("phases.deep_dive.probes:") for f in fields)
    assert any(f.startswith("phases") and "optimization" in f for f in fields), problems


def test_a_key_given_twice_in_one_mapping_is_refused_rather_than_silently_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("id: twice\ntitle: One\ntitle: Two\n", encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_question(path)

    assert "not valid YAML" in str(caught.value)
    assert any("'title' is given twice" in p for p in caught.value.problems)


def test_a_bad_file_in_the_bank_is_reported_with_the_good_ones_still_checked(tmp_path: Path) -> None:
    folder = tmp_path / "questions"
    folder.mkdir()
    _write(folder / "good-one.yaml", {**_valid_question(), "id": "good-one"})
    _write(folder / "bad-one.yaml", {**_valid_question(), "id": "bad-one", "difficulty": 3})
    _write(folder / "bad-two.yaml", {**_valid_question(), "id": "bad-two", "extra": True})

    with pytest.raises(ContentError) as caught:
        QuestionBank.load(tmp_path)

    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["bad-one.yaml", "bad-two.yaml"]
    assert "difficulty" in problems[0] and "extra" in problems[1]


# --- Originality ------------------------------------------------------------------------------------------


def test_the_seed_repair_undoes_its_mojibake() -> None:
    repaired = repair(SEED_NOTES.read_text(encoding="utf-8"))

    assert "1B videos → 1K candidates" in repaired
    assert "1M predictions/day × $0.0001" in repaired
    assert "‚Üí" not in repaired and "√ó" not in repaired


def test_the_originality_check_catches_a_copied_sentence_and_passes_a_paraphrase(
    seed_runs: set[tuple[str, ...]],
) -> None:
    copied = (
        "Intro. This goes beyond model training - you need to think about data pipelines, "
        "infrastructure, monitoring, cost, and user experience. Outro."
    )
    paraphrase = (
        "Training a model is only the start: a design also covers the data pipelines, the serving "
        "infrastructure, monitoring, what it costs and how users experience it."
    )

    assert copied_runs(copied, seed_runs) == [
        "this goes beyond model training you need to think about data pipelines infrastructure "
        "monitoring cost and user experience"
    ]
    assert copied_runs(paraphrase, seed_runs) == []


@pytest.mark.parametrize("path", _knowledge_files(), ids=_rel)
def test_no_knowledge_file_repeats_twelve_consecutive_words_of_the_seed_notes(
    path: Path, seed_runs: set[tuple[str, ...]]
) -> None:
    assert copied_runs(path.read_text(encoding="utf-8"), seed_runs) == []
