-- The store's buckets: one row per key. Keys and bucket names compare byte by byte ("C"), as
-- bbolt's and the in-memory store's do, so scans come out in the same order on every store.
CREATE TABLE csms_kv (
    bucket text COLLATE "C" NOT NULL,
    key    text COLLATE "C" NOT NULL,
    value  bytea NOT NULL,
    PRIMARY KEY (bucket, key)
);
