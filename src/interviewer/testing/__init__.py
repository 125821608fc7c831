"""Test doubles that ship with the package, for this project's tests and for users' own.

- `FakeLLM`: a scripted chat model with a reply queue that records every call.
- `FunctionLLM`: a chat model whose replies come from a function of the request.
- `FakeEmbedder`: deterministic hashed bag-of-words vectors, for small fast retrieval tests.
"""

from interviewer.testing.embeddings import FakeEmbedder as FakeEmbedder
from interviewer.testing.llm import Call as Call
from interviewer.testing.llm import FakeLLM as FakeLLM
from interviewer.testing.llm import FakeLLMExhausted as FakeLLMExhausted
from interviewer.testing.llm import FunctionLLM as FunctionLLM
