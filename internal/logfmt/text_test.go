package logfmt

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"
)

// same logs r through this package's handler and slog.TextHandler and fails t unless they
// write the same bytes.
func same(t *testing.T, opts *slog.HandlerOptions, r slog.Record, with func(slog.Handler) slog.Handler) {
	t.Helper()
	var got, want bytes.Buffer
	var ours, std slog.Handler = NewTextHandler(&got, opts), slog.NewTextHandler(&want, opts)
	if with != nil {
		ours, std = with(ours), with(std)
	}
	ctx := context.Background()
	if ours.Enabled(ctx, r.Level) != std.Enabled(ctx, r.Level) {
		t.Fatalf("Enabled(%v) differs", r.Level)
	}
	if err := ours.Handle(ctx, r.Clone()); err != nil {
		t.Fatal(err)
	}
	if err := std.Handle(ctx, r.Clone()); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("logfmt wrote\n%q\nslog.TextHandler writes\n%q", got.String(), want.String())
	}
}

var at = time.Date(2026, 11, 29, 3, 4, 5, 123456789, time.FixedZone("X", 5*3600+1800))

func TestHandlerWritesWhatTextHandlerWrites(t *testing.T) {
	strs := []string{"", "plain", "two words", "a=b", `quote"d`, `back\slash`, "tab\t", "nl\n", "\x00", "\x7f",
		"é", "µs", "\u00a0", "\u2028", "\xff", "日本", "😀", "-", "/v1/p/secrets/demo-secret/backup"}
	var records []slog.Record
	for _, s := range strs {
		r := slog.NewRecord(at, slog.LevelInfo, s, 0)
		r.AddAttrs(slog.String(s+"k", s), slog.String("v", s))
		records = append(records, r)
	}
	kinds := slog.NewRecord(at, slog.LevelError, "request", 0)
	kinds.AddAttrs(slog.Int("status", 500), slog.Int64("neg", -7), slog.Uint64("u", math.MaxUint64),
		slog.Float64("f", 0.1), slog.Float64("inf", math.Inf(1)), slog.Bool("b", true),
		slog.Duration("duration", 123456*time.Nanosecond), slog.Duration("zero", 0), slog.Duration("long", 90*time.Minute))
	records = append(records, kinds)
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelWarn, slog.LevelInfo + 2, slog.LevelError + 9} {
		records = append(records, slog.NewRecord(at, level, "m", 0))
	}
	records = append(records, slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0))
	// Records handed to slog.TextHandler: they must come out the same too.
	other := slog.NewRecord(at, slog.LevelInfo, "other kinds", 0)
	other.AddAttrs(slog.String("first", "x"), slog.Time("t", at), slog.Any("err", errors.New("e r")),
		slog.Group("g", slog.Int("a", 1)), slog.Any("nil", nil))
	records = append(records, other)
	empty := slog.NewRecord(at, slog.LevelInfo, "empty key", 0)
	empty.AddAttrs(slog.String("", "v"), slog.Attr{})
	records = append(records, empty)

	for _, r := range records {
		same(t, nil, r, nil)
		same(t, &slog.HandlerOptions{Level: slog.LevelWarn}, r, nil)
		same(t, &slog.HandlerOptions{AddSource: true}, r, nil)
		same(t, nil, r, func(h slog.Handler) slog.Handler { return h.WithAttrs([]slog.Attr{slog.String("component", "mock")}) })
		same(t, nil, r, func(h slog.Handler) slog.Handler { return h.WithGroup("req") })
	}
}

// The records the mock logs on every request are the ones this handler writes itself.
func TestHandlerWritesTheAccessLineItself(t *testing.T) {
	r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
	r.AddAttrs(slog.String("request_id", "0123456789abcdef"), slog.String("method", "POST"),
		slog.String("path", "/v1/p/secrets/s/backup"), slog.Int("status", 200), slog.Int64("bytes", 1245),
		slog.Duration("duration", 42*time.Microsecond), slog.String("operation", "DownloadSecretBlob"))
	if _, ok := appendRecord(nil, r); !ok {
		t.Fatal("the access line is left to slog.TextHandler")
	}
}

func FuzzHandlerWritesWhatTextHandlerWrites(f *testing.F) {
	f.Add("request", "path", "/v1/x", int64(200), int64(42000), 0.5, true)
	f.Add("", "", "a b", int64(-1), int64(-5), math.NaN(), false)
	f.Add("\xff", "k=", "\"", int64(0), int64(math.MaxInt64), 1e300, true)
	f.Fuzz(func(t *testing.T, msg, key, val string, n, d int64, fl float64, b bool) {
		r := slog.NewRecord(at, slog.Level(n%16), msg, 0)
		r.AddAttrs(slog.String(key, val), slog.Int64("n", n), slog.Duration("d", time.Duration(d)),
			slog.Float64("f", fl), slog.Bool("b", b), slog.String("v", val+key))
		same(t, nil, r, nil)
	})
}
