"""Speech to text and text to speech, offline or through OpenAI."""
