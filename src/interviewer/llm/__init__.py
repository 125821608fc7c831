"""The chat-model layer: the `ChatModel` protocol, the OpenAI adapter (the only importer of `openai`), structured output, the circuit breaker, tokens and prices, and prompts."""
