"""Where the tests' fixed inputs live: the shipped knowledge and the corpora under tests/data."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO_ROOT / "knowledge"
TEST_DATA = REPO_ROOT / "tests" / "data"
SEED_NOTES = TEST_DATA / "seed" / "study_notes.txt"
PRIMER = TEST_DATA / "corpora" / "system-design-primer"  # CC BY 4.0, see tests/data/corpora/NOTICE.md
