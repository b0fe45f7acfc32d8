package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

var _ DuePurger = (*Postgres)(nil)

// PurgeDue implements DuePurger.
//
// Every process sharing the database may call it at any time and each due row is deleted by
// exactly one of them: a row is claimed with FOR UPDATE SKIP LOCKED, so a row another purge
// or a writer holds is left to that transaction or to a later pass, and the claim checks the
// row as it is then (a row changed since, say cancelled, is no longer due).
func (p *Postgres) PurgeDue(prefix, marker, field string, now int64, limit int) ([]Due, error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	rows, err := p.pool.Query(ctx, `WITH due AS (
			SELECT bucket, key FROM csms_kv
			WHERE starts_with(bucket, $1) AND position($2::bytea IN value) > 0
				AND (convert_from(value, 'UTF8')::jsonb ->> $3)::bigint <= $4
			ORDER BY bucket, key
			LIMIT $5
			FOR UPDATE SKIP LOCKED)
		DELETE FROM csms_kv k USING due WHERE k.bucket = due.bucket AND k.key = due.key
		RETURNING k.bucket, k.key`, prefix, []byte(marker), field, now, limit)
	if err != nil {
		return nil, &failure{fmt.Errorf("store: purge: %w", err)}
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Due, error) {
		var d Due
		err := r.Scan(&d.Bucket, &d.Key)
		return d, err
	})
	if err != nil {
		return nil, &failure{fmt.Errorf("store: purge: %w", err)}
	}
	return out, nil
}
