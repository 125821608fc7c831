"""Test doubles that ship with the package, for this project's tests and for users' own.

- `FakeLLM`: a scripted chat model with a reply queue that records every call.
- `FunctionLLM`: a chat model whose replies come from a function of the request.
- `FakeEmbedder`: deterministic hashed bag-of-words vectors, for small fast retrieval tests.
- `KeywordGrader`: a `Grader` whose key-point coverage is plain word overlap, for interview-flow tests.
- `FakeClock` and `tiny_question()`: a clock tests move by hand, and a small complete question.
- `FakeTranscriber`, `FakeSpeaker`: speech fakes that record what they were given.
"""

from interviewer.testing.embeddings import FakeEmbedder as FakeEmbedder
from interviewer.testing.grading import KeywordGrader as KeywordGrader
from interviewer.testing.llm import Call as Call
from interviewer.testing.llm import FakeLLM as FakeLLM
from interviewer.testing.llm import FakeLLMExhausted as FakeLLMExhausted
from interviewer.testing.llm import FunctionLLM as FunctionLLM
from interviewer.testing.session import TINY_COVERING_ANSWERS as TINY_COVERING_ANSWERS
from interviewer.testing.session import FakeClock as FakeClock
from interviewer.testing.session import answer_and_move_on as answer_and_move_on
from interviewer.testing.session import keyword_engine as keyword_engine
from interviewer.testing.session import tiny_question as tiny_question
from interviewer.testing.voice import FakeSpeaker as FakeSpeaker
from interviewer.testing.voice import FakeTranscriber as FakeTranscriber
from interviewer.testing.voice import silent_wav as silent_wav
