"""The notes: reading and repairing a folder, chunking, embeddings, the hybrid index over Chroma and BM25, and answering questions from it."""
