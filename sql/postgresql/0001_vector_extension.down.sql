-- Removes pgvector from the connected database (fails while columns still use its types).
DROP EXTENSION IF EXISTS vector;
