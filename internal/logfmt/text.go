// Package logfmt writes slog's text format faster for the plain records a server logs on
// every request. Its handler writes, byte for byte, what slog.TextHandler writes, and hands
// every record it does not write itself (a group, a time or any other value, an attribute
// without a key, a logger made With attributes or a group) to a slog.TextHandler on the same
// writer. A differential test and a fuzz target hold the two to the same bytes.
package logfmt

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// NewTextHandler returns a handler that writes slog.TextHandler's format to w. With
// AddSource or ReplaceAttr set it is slog.TextHandler itself.
func NewTextHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	std := slog.NewTextHandler(w, opts)
	if opts != nil && (opts.AddSource || opts.ReplaceAttr != nil) {
		return std
	}
	var level slog.Leveler = slog.LevelInfo
	if opts != nil && opts.Level != nil {
		level = opts.Level
	}
	return &handler{std: std, w: w, level: level}
}

type handler struct {
	std   slog.Handler
	w     io.Writer
	mu    sync.Mutex
	level slog.Leveler
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.std.WithAttrs(attrs) }

func (h *handler) WithGroup(name string) slog.Handler { return h.std.WithGroup(name) }

// Handle writes r as one line, in one Write, as slog.TextHandler does.
func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	bp := buffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledBuffer {
			buffers.Put(bp)
		}
	}()
	line, ok := appendRecord((*bp)[:0], r)
	*bp = line
	if !ok {
		return h.std.Handle(ctx, r)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(line)
	return err
}

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledBuffer keeps a rare long line's buffer out of the pool.
const maxPooledBuffer = 16 << 10

// appendRecord appends r's line to b, or reports false for a record it leaves to
// slog.TextHandler.
func appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	sep := ""
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, r.Time.Round(0))
		sep = " "
	}
	b = append(append(b, sep...), "level="...)
	b = appendString(b, r.Level.String())
	b = append(b, " msg="...)
	b = appendString(b, r.Message)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "" {
			ok = false
			return false
		}
		v := a.Value
		b = append(b, ' ')
		b = appendString(b, a.Key)
		b = append(b, '=')
		switch v.Kind() {
		case slog.KindString:
			b = appendString(b, v.String())
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindFloat64:
			b = strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			b = append(b, v.Duration().String()...)
		default:
			ok = false
		}
		return ok
	})
	return append(b, '\n'), ok
}

// appendString writes s as slog's text format does: as it is, or quoted when it needs to be.
func appendString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// needsQuoting is log/slog's: empty strings, spaces, '=', the characters a JSON string
// escapes (but the backslash), and runes that are invalid, spaces or not printable.
func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if quoteASCII[b] {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// quoteASCII marks the ASCII bytes needsQuoting quotes for.
var quoteASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == ' ' || c == '=' || c == '"'
	}
	return t
}()

// appendRFC3339Millis is log/slog's time format: RFC 3339 with exactly three decimals.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	// time.RFC3339Nano trims trailing zeros, so a tenth of a millisecond is added to keep
	// four decimals, and the fourth is dropped.
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}
