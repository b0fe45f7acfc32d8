package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is a Store in a PostgreSQL database, one row per key in the table csms_kv. Any
// number of processes may share one database: Update runs SERIALIZABLE, so a read-check-write
// (a name's uniqueness, the quota, a rule's counter) holds across them, and a transaction that
// loses a conflict is run again. Its fn may therefore run more than once and must not keep
// effects of a failed attempt.
type Postgres struct {
	pool    *pgxpool.Pool
	timeout time.Duration
}

// Defaults of PostgresOptions and of the URL's connect_timeout.
const (
	// DefaultOpTimeout bounds one transaction, retries included: with the database down a
	// request fails within it instead of waiting.
	DefaultOpTimeout = 5 * time.Second
	// defaultConnectTimeout bounds dialling the database when the URL sets no connect_timeout.
	defaultConnectTimeout = 2 * time.Second
)

// PostgresOptions tune OpenPostgres; the zero value takes the defaults. The pool's size comes
// from the URL (pool_max_conns=N, pgxpool's own parameter).
type PostgresOptions struct {
	// OpTimeout bounds each Update or View, retries included.
	OpTimeout time.Duration
}

// IsPostgresURL reports whether s names a PostgreSQL database rather than a directory.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// RedactURL returns a database URL fit for logs and errors: the password is masked, and an
// unparsable URL is not shown at all, as it could hold one anywhere.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// OpenPostgres connects to the database at rawURL (any libpq URL), checks that it answers,
// and creates or migrates the schema. A bad URL or an unreachable database is an error here,
// naming the URL without its password.
func OpenPostgres(ctx context.Context, rawURL string, opts PostgresOptions) (*Postgres, error) {
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	shown := RedactURL(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// pgx's message quotes the URL (with its password masked); ours names it once.
		return nil, fmt.Errorf("database %s: not a valid PostgreSQL URL: %s", shown, parseReason(err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	// A server that went away is noticed when a connection is taken (pgxpool pings one idle
	// for a second or more) and by the health check, so the pool heals when it comes back.
	cfg.PingTimeout = time.Second
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", shown, err)
	}
	startCtx, cancel := context.WithTimeout(ctx, opts.OpTimeout+cfg.ConnConfig.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(startCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s is unreachable: %w", shown, err)
	}
	if err := migrate(startCtx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: schema: %w", shown, err)
	}
	return &Postgres{pool: pool, timeout: opts.OpTimeout}, nil
}

// parseReason is pgx's parse error without the URL it quotes.
func parseReason(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	return "it does not parse"
}

// Close implements Store.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}

// Update implements Store: fn runs in a SERIALIZABLE transaction, again after a serialization
// failure or deadlock, until it commits or the operation's time is up.
func (p *Postgres) Update(fn func(Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		err := p.run(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable}, false, fn)
		if !retryable(err) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("store: gave up after %d conflicting attempts: %w", attempt+1, err)
		}
		backoff(ctx, attempt)
	}
}

// View implements Store: fn reads one snapshot (REPEATABLE READ, READ ONLY).
func (p *Postgres) View(fn func(Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	return p.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, true, fn)
}

func (p *Postgres) run(ctx context.Context, opts pgx.TxOptions, readOnly bool, fn func(Tx) error) error {
	tx, err := p.pool.BeginTx(ctx, opts)
	if err != nil {
		return &failure{fmt.Errorf("store: begin: %w", err)}
	}
	// Rollback after Commit does nothing; on any other way out it discards the writes.
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	t := &pgTx{ctx: ctx, tx: tx, readOnly: readOnly}
	if err := fn(t); err != nil {
		// A statement that failed on a conflict may have been reported by fn as another error;
		// the attempt is retried all the same.
		if t.conflict != nil && !retryable(err) {
			return errors.Join(err, t.conflict)
		}
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return &failure{fmt.Errorf("store: commit: %w", err)}
	}
	return nil
}

// failure is an error of the database itself (unreachable, timed out, refused a statement),
// as opposed to an error of the caller's fn: for a mock, the vendor's 500.
type failure struct{ err error }

// Error is the database's error.
func (f *failure) Error() string { return f.err.Error() }

// Unwrap returns the database's error.
func (f *failure) Unwrap() error { return f.err }

// IsFailure reports whether err is, or wraps, a failure of the database.
func IsFailure(err error) bool {
	var f *failure
	return errors.As(err, &f)
}

// retryable reports a serialization failure or a deadlock: the transaction may succeed when
// run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// backoff waits a random time that grows with the attempts (at most 20 ms), so that
// conflicting transactions do not meet again in step.
func backoff(ctx context.Context, attempt int) {
	ceiling := time.Duration(min(20, 1<<min(attempt, 5))) * time.Millisecond
	t := time.NewTimer(time.Duration(rand.Int64N(int64(ceiling)) + 1))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// scanBatch is how many rows Scan reads per query: fn may stop early or call the transaction
// itself, so rows are read in batches rather than held open or read all at once.
const scanBatch = 64

type pgTx struct {
	ctx      context.Context
	tx       pgx.Tx
	readOnly bool
	conflict error // the first serialization failure a statement met
}

// note marks a statement's error as the database's and remembers a conflict, so that the
// attempt is retried whatever fn makes of the error.
func (t *pgTx) note(err error) error {
	if err != nil && t.conflict == nil && retryable(err) {
		t.conflict = err
	}
	return &failure{err}
}

func (t *pgTx) Get(bucket, key string) ([]byte, bool, error) { return t.Peek(bucket, key) }

// Peek implements Tx: the value is read into memory of its own, so it is Get.
func (t *pgTx) Peek(bucket, key string) ([]byte, bool, error) {
	var v []byte
	err := t.tx.QueryRow(t.ctx, `SELECT value FROM csms_kv WHERE bucket = $1 AND key = $2`, bucket, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: get %q/%q: %w", bucket, key, t.note(err))
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

func (t *pgTx) Put(bucket, key string, value []byte) error {
	if t.readOnly {
		return errReadOnly
	}
	if value == nil {
		value = []byte{} // pgx sends a nil slice as NULL
	}
	_, err := t.tx.Exec(t.ctx, `INSERT INTO csms_kv (bucket, key, value) VALUES ($1, $2, $3)
		ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value`, bucket, key, value)
	if err != nil {
		return fmt.Errorf("store: put %q/%q: %w", bucket, key, t.note(err))
	}
	return nil
}

func (t *pgTx) Delete(bucket, key string) error {
	if t.readOnly {
		return errReadOnly
	}
	if _, err := t.tx.Exec(t.ctx, `DELETE FROM csms_kv WHERE bucket = $1 AND key = $2`, bucket, key); err != nil {
		return fmt.Errorf("store: delete %q/%q: %w", bucket, key, t.note(err))
	}
	return nil
}

func (t *pgTx) Scan(bucket, after string, fn func(string, []byte) bool) error {
	return t.ScanFirst(bucket, after, scanBatch, fn)
}

// ScanFirst implements BatchScanner: the first query reads first rows, the later ones
// scanBatch.
func (t *pgTx) ScanFirst(bucket, after string, first int, fn func(string, []byte) bool) error {
	type row struct {
		key   string
		value []byte
	}
	batchSize := max(first, 1)
	for {
		rows, err := t.tx.Query(t.ctx, `SELECT key, value FROM csms_kv WHERE bucket = $1 AND key > $2
			ORDER BY key LIMIT $3`, bucket, after, batchSize)
		if err != nil {
			return fmt.Errorf("store: scan %q: %w", bucket, t.note(err))
		}
		batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.key, &x.value)
			return x, err
		})
		if err != nil {
			return fmt.Errorf("store: scan %q: %w", bucket, t.note(err))
		}
		for _, r := range batch {
			if r.value == nil {
				r.value = []byte{}
			}
			if !fn(r.key, r.value) {
				return nil
			}
		}
		if len(batch) < batchSize {
			return nil
		}
		after = batch[len(batch)-1].key
		batchSize = scanBatch
	}
}

func (t *pgTx) Count(bucket string) (int, error) {
	var n int
	if err := t.tx.QueryRow(t.ctx, `SELECT count(*) FROM csms_kv WHERE bucket = $1`, bucket).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %q: %w", bucket, t.note(err))
	}
	return n, nil
}

func (t *pgTx) DropBuckets(prefix string) error {
	if t.readOnly {
		return errReadOnly
	}
	if _, err := t.tx.Exec(t.ctx, `DELETE FROM csms_kv WHERE starts_with(bucket, $1)`, prefix); err != nil {
		return fmt.Errorf("store: drop %q: %w", prefix, t.note(err))
	}
	return nil
}
