"""The content files: the question bank and the rubrics, and loading YAML with every problem reported."""
