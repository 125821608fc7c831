"""The offline answer reads as a passage of the notes: whole list items and table rows, no markup, no echo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from interviewer.config import Settings
from interviewer.notes.ask import Answerer
from interviewer.notes.chunking import Chunk
from interviewer.notes.extract import Unit, continued, passage, render, restates, result_after, units_of
from interviewer.notes.index import NotesIndex
from interviewer.notes.markup import readable
from interviewer.notes.results import Hit
from interviewer.testing import FakeEmbedder


def texts(units: list[Unit]) -> list[str]:
    return [u.text for u in units]


# ---- reading a chunk ------------------------------------------------------------------------------


def test_markup_is_removed_from_what_the_learner_reads() -> None:
    line = "Each *layer* is **cached** in `Redis`, see [the docs](http://x.io/a) &amp; <b>more</b> -->"
    assert readable(line) == "Each layer is cached in Redis, see the docs & more"


def test_snake_case_names_and_comparisons_survive_markup_removal() -> None:
    assert readable("set max_batch_size so p99 < 50 ms") == "set max_batch_size so p99 < 50 ms"


def test_a_list_item_is_one_unit_with_its_continuation_lines() -> None:
    units = units_of("Options:\n\n- Retry the whole job\n  from the start.\n- Retry only *failed* records.\n")
    assert texts(units) == ["Options:", "Retry the whole job from the start.", "Retry only failed records."]
    assert [u.kind for u in units] == ["sentence", "item", "item"]


def test_a_table_row_is_one_unit_labelled_with_its_column_headings() -> None:
    units = units_of("| Pattern | Cost |\n|---|---|\n| Batch | a server that runs only with the job |\n")
    assert texts(units) == ["Pattern: Batch; Cost: a server that runs only with the job"]


def test_a_short_code_block_is_one_unit_and_long_code_and_link_lists_are_not() -> None:
    long_code = "\n".join(f"line {i} = {i}" for i in range(12))
    units = units_of(
        "Run it like this:\n\n```\nmake all now please\n```\n\n- [Read more](http://x.io)\n\n"
        f"And the config:\n\n```\n{long_code}\n```\n"
    )
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Run it like this:"),
        ("code", "make all now please"),
        ("sentence", "And the config:"),
    ]


def test_a_lead_in_brings_the_code_block_it_introduces() -> None:
    units = units_of(
        "SLURM can warn the job before its time runs out. Add this line to the job script:\n\n"
        "```\n#SBATCH --signal=USR1@600\n```\n\nThen trap the signal and save a checkpoint.\n"
    )
    scores = [0.2, 0.9, 0.3, 0.1]
    chosen = passage(units, scores, "how do I get warned before the time limit?")
    assert render(chosen) == [
        "Add this line to the job script:",
        "```\n#SBATCH --signal=USR1@600\n```",
    ]


def test_a_problem_brings_the_remedy_the_next_sentence_gives() -> None:
    units = units_of(
        "Checkpoints written to a shared disk can fill it during a long run. Use a rotation that keeps the "
        "last three. Logging is separate.\n"
    )
    chosen = passage(units, [0.9, 0.3, 0.1], "what happens when checkpoints fill the disk?")
    assert texts(chosen) == [
        "Checkpoints written to a shared disk can fill it during a long run.",
        "Use a rotation that keeps the last three.",
    ]


def test_asked_what_to_do_a_problem_ending_its_paragraph_brings_the_next_paragraph() -> None:
    text = (
        "Users without sudo cannot stop a run that a colleague started before going to sleep.\n\n"
        "We added a kill switch for this. The loop polls for a file before each step. If the file is there it "
        "saves a checkpoint and exits. Anyone can create the file.\n"
    )
    units = units_of(text)
    scores = [0.9, 0.2, 0.3, 0.3, 0.1]
    how = passage(units, scores, "How can my team stop a run someone else started without sudo?")
    assert texts(how) == [
        "Users without sudo cannot stop a run that a colleague started before going to sleep.",
        "We added a kill switch for this.",
        "The loop polls for a file before each step.",
        "If the file is there it saves a checkpoint and exits.",
    ]
    # asked what the problem is, the problem is the answer
    what = passage(units, scores, "Why can't users stop each other's runs?")
    assert texts(what) == [
        "Users without sudo cannot stop a run that a colleague started before going to sleep."
    ]


def test_a_lead_in_brings_what_it_introduces() -> None:
    items = "".join(f"- check number {i} of the list\n" for i in range(1, 10))
    units = units_of(f"Before a run starts, check these:\n\n{items}")
    chosen = passage(units, [0.9] + [0.1] * 9, "what should I check before a run?")
    # the whole list comes: nine short items fit the word budget
    assert len(chosen) == 10 and chosen[-1].text == "check number 9 of the list"


def test_html_line_breaks_split_table_cells_into_readable_lines() -> None:
    units = units_of('<td class="x">- Define business objectives<br>- Collect and verify data</td>\n')
    assert texts(units) == ["- Define business objectives", "- Collect and verify data"]


# ---- choosing the passage -------------------------------------------------------------------------


def test_a_line_that_restates_the_question_is_not_the_answer_when_the_next_line_gives_guidance() -> None:
    units = units_of(
        "How should I retry a failed job?\n\nRetry only the failed records when each is independent.\n"
    )
    chosen = passage(units, [0.9, 0.5], "How should I retry a failed job?")
    assert texts(chosen) == ["Retry only the failed records when each is independent."]


def test_a_sentence_that_adds_words_of_its_own_does_not_count_as_restating() -> None:
    (unit,) = units_of("Consistent hashing moves only a few keys when a machine joins the cluster.")
    assert not restates(unit, "how does consistent hashing help when a machine joins the cluster")


def test_a_list_item_comes_with_the_sentence_that_introduces_its_list() -> None:
    units = units_of("When the job fails you can:\n\n- rerun everything\n- rerun only the failed records\n")
    chosen = passage(units, [0.2, 0.3, 0.9], "can I rerun only failed records")
    assert render(chosen) == ["When the job fails you can:", "- rerun only the failed records"]


def test_answering_sentences_keep_their_order_and_the_sentence_they_lean_on() -> None:
    units = units_of("Queues absorb bursts. This protects the model server. Logs are kept for a week.")
    chosen = passage(units, [0.3, 0.9, 0.1], "why put a queue in front")
    assert render(chosen) == ["Queues absorb bursts. This protects the model server."]


def test_sentences_of_one_paragraph_with_a_gap_are_joined_with_an_ellipsis() -> None:
    units = units_of("Batch jobs run nightly. Nobody waits on them. Their server can be deleted after.")
    assert render([units[0], units[2]]) == ["Batch jobs run nightly. … Their server can be deleted after."]


# ---- the whole answer -----------------------------------------------------------------------------


def test_the_offline_answer_keeps_list_items_whole_and_shows_no_markup(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "batch.md").write_text(
        "# Batch pattern\n\n## Needs consideration\n\n"
        "If a nightly job fails halfway, you have *three* options:\n\n"
        "- rerun the **whole** job from the start;\n"
        "- rerun only the failed records, when each record is independent;\n"
        "- skip the failed records and log them.\n\n"
        "<!-- reviewers: check this --> See [the retry guide](http://x.io/retry).\n\n"
        "## Architecture\n\nA scheduler starts the server with the job and deletes it afterwards.\n",
        encoding="utf-8",
    )
    index = NotesIndex(settings, FakeEmbedder(dim=256), [folder])

    result = Answerer(index, index.embedder, k=3).answer(
        "When can a failed nightly job rerun only the failed records?"
    )

    assert result.answer.startswith("From your notes, “Needs consideration” in batch.md:")
    assert "- rerun only the failed records, when each record is independent;" in result.answer
    assert "you have three options:" in result.answer
    for markup in ("*", "**", "](", "-->", "<!--", "reviewers"):
        assert markup not in result.answer


def test_a_lead_in_that_scores_best_brings_the_items_it_introduces() -> None:
    units = units_of(
        "Answer these questions:\n\n- Who owns the model?\n- How is it served?\n\nClosing words here."
    )
    chosen = passage(units, [0.9, 0.2, 0.2, 0.1], "which questions should I answer")
    assert render(chosen)[:3] == ["Answer these questions:", "- Who owns the model?", "- How is it served?"]


NESTED = """- **Key Concepts:**
    - **Costs of a mistake:**
        - *Financial:* lost revenue
          and fines for non-compliance.
        - *Reputational:* loss of customer trust.
    - Second-order consequences matter too.
- Another top-level point here.
"""


def test_an_item_of_a_nested_list_is_a_unit_of_its_own_one_level_deeper() -> None:
    units = units_of(NESTED)
    assert [(u.depth, u.text) for u in units] == [
        (0, "Key Concepts:"),
        (1, "Costs of a mistake:"),
        (2, "Financial: lost revenue and fines for non-compliance."),
        (2, "Reputational: loss of customer trust."),
        (1, "Second-order consequences matter too."),
        (0, "Another top-level point here."),
    ]
    assert {u.kind for u in units} == {"item"} and len({u.block for u in units}) == 1


def test_a_nested_item_comes_with_the_item_that_introduces_it_and_keeps_its_indentation() -> None:
    units = units_of(NESTED)
    scores = [0.1, 0.2, 0.9, 0.3, 0.1, 0.1]
    chosen = passage(units, scores, "what does a mistake cost in money?", max_units=2)
    assert [u.text for u in chosen] == [
        "Costs of a mistake:",
        "Financial: lost revenue and fines for non-compliance.",
    ]
    assert render(chosen) == [
        "- Costs of a mistake:",
        "  - Financial: lost revenue and fines for non-compliance.",
    ]


def test_one_item_of_a_nested_list_answers_with_its_fellow_items_under_the_same_lead_in() -> None:
    units = units_of(NESTED)
    scores = [0.1, 0.2, 0.9, 0.3, 0.1, 0.1]
    chosen = passage(units, scores, "what does a mistake cost in money?")
    assert render(chosen) == [
        "- Costs of a mistake:",
        "  - Financial: lost revenue and fines for non-compliance.",
        "  - Reputational: loss of customer trust.",
    ]


def test_a_chunk_that_starts_inside_a_nested_list_still_reads_its_items_as_items() -> None:
    units = units_of(
        "        - *User interviews:* talk to end users.\n        - *Data analysis:* look for patterns.\n"
    )
    assert [(u.kind, u.depth, u.text) for u in units] == [
        ("item", 0, "User interviews: talk to end users."),
        ("item", 0, "Data analysis: look for patterns."),
    ]


def test_a_list_continued_in_the_next_chunk_follows_its_lead_in_once() -> None:
    lead = units_of("The job runs these checks:\n")[0]
    # chunks overlap: the next one may repeat the lead-in before the list
    following = units_of(
        "The job runs these checks:\n\n- free disk space\n- a write to the store\n\nThen it starts.\n"
    )
    more = continued(lead, following, max_units=5)
    assert [(u.kind, u.text) for u in more] == [("item", "free disk space"), ("item", "a write to the store")]
    assert all(u.position > lead.position for u in more)
    assert continued(lead, units_of("It then starts training.\n"), max_units=5) == []


def test_paragraphs_and_table_rows_are_kept_apart_by_an_empty_line_and_a_list_stays_together() -> None:
    text = (
        "PEFT tunes a small subset of parameters. It keeps most weights frozen.\n\n"
        "**Advantages of PEFT**\n\n"
        "- Memory efficiency comes from freezing most weights.\n"
        "- Forgetting is reduced since the base model stays intact.\n\n"
        "Use it when memory is tight.\n\n"
        "| method | memory |\n|---|---|\n| LoRA | low |\n| full | high |\n"
    )
    assert render(units_of(text)) == [
        "PEFT tunes a small subset of parameters. It keeps most weights frozen.",
        "",
        "Advantages of PEFT",
        "- Memory efficiency comes from freezing most weights.",
        "- Forgetting is reduced since the base model stays intact.",
        "",
        "Use it when memory is tight.",
        "",
        "method: LoRA; memory: low",
        "",
        "method: full; memory: high",
    ]


def test_a_code_block_brings_the_sentence_that_says_what_it_gives() -> None:
    units = units_of(
        "Compute the area under the curve:\n\n```python\nauc = roc_auc_score(y, p)\nprint(auc)\n```\n\n"
        "✅ Try another solver.\n\nThe result is 0.975, a good score.\n\nNext, a new lesson starts.\n"
    )
    chosen = passage(units, [0.2, 0.9, 0.1, 0.1, 0.1], "what area under the curve did it reach")

    assert [u.text for u in chosen][-2:] == [
        "auc = roc_auc_score(y, p)\nprint(auc)",
        "The result is 0.975, a good score.",
    ]
    assert "Try another solver." not in [u.text for u in chosen]


def test_a_code_block_followed_by_no_result_brings_nothing_after_it() -> None:
    units = units_of("Run this:\n\n```\nmake all\n```\n\nThen open the page.\n")

    assert result_after(units, 1) is None


class TwoChunkNotes:
    """A section in two chunks: the first ends on a code block, the next says what the code gives."""

    def __init__(self) -> None:
        def chunk(n: int, text: str) -> Chunk:
            return Chunk(
                chunk_id=f"c{n}",
                source="lesson.md",
                heading="Score the classifier",
                heading_path="lesson.md › Score the classifier",
                start_line=n * 10,
                content_hash=f"h{n}",
                text=text,
            )

        self.first = chunk(
            1,
            "Score the pumpkin classifier with this code:\n\n```python\nauc = roc_auc_score(y_test, scores)\n"
            "print(auc)\n```\n",
        )
        self.second = chunk(
            2, "The result is 0.975, so the classifier is pretty good.\n\nThe next lesson starts."
        )

    def retrieve(self, query: str, k: int = 5) -> list[Hit]:
        return [Hit(chunk=self.first, score=1.0, similarity=0.8, lexical=None)]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        return dict.fromkeys(terms, 1), 2

    def following(self, chunk: Chunk) -> Chunk | None:
        return self.second if chunk == self.first else None


def test_a_result_the_next_chunk_gives_completes_a_passage_that_ends_on_code() -> None:
    answer = Answerer(TwoChunkNotes(), FakeEmbedder(dim=256)).answer(
        "What code scores the pumpkin classifier?"
    )

    assert answer.grounded
    assert "print(auc)" in answer.answer
    assert answer.answer.index("print(auc)") < answer.answer.index(
        "The result is 0.975, so the classifier is pretty good. [1]"
    )
    assert "next lesson" not in answer.answer
