-- Enables pgvector in the connected database.
CREATE EXTENSION IF NOT EXISTS vector;
