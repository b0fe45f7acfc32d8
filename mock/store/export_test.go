package store

import "github.com/jackc/pgx/v5/pgxpool"

// What the tests in package store_test reach that callers have no use for.
var (
	ErrReadOnly   = errReadOnly
	SchemaVersion = schemaVersion
)

// Pool is the connection pool, for the tests' own queries.
func (p *Postgres) Pool() *pgxpool.Pool { return p.pool }
