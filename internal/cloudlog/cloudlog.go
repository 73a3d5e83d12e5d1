// Package cloudlog makes the server's logger: JSON lines in the shape Cloud
// Logging parses on App Engine (severity, message, and the request's trace),
// or readable text locally. It knows nothing of the app's routes.
package cloudlog

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// New returns JSON logs in the shape Cloud Logging parses on App
// Engine (severity, message, and the request's trace), or readable text
// logs locally.
func New(w io.Writer, onAppEngine bool, project string, level slog.Level) *slog.Logger {
	if !onAppEngine {
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.MessageKey:
				a.Key = "message"
			case slog.LevelKey:
				a.Key = "severity"
				if l, ok := a.Value.Any().(slog.Level); ok && l == slog.LevelWarn {
					a.Value = slog.StringValue("WARNING")
				}
			case slog.TimeKey:
				a.Key = "timestamp"
			}
			return a
		},
	})
	return slog.New(traceHandler{h, project})
}

// traceHandler adds the request's trace, which WithTrace puts in the
// context, so Cloud Logging groups a request's lines under it.
type traceHandler struct {
	slog.Handler
	project string
}

type traceKey struct{}

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if trace, ok := ctx.Value(traceKey{}).(string); ok && h.project != "" {
		r.AddAttrs(slog.String("logging.googleapis.com/trace", "projects/"+h.project+"/traces/"+trace))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(as), h.project}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name), h.project}
}

// WithTrace puts the trace id of X-Cloud-Trace-Context
// ("TRACE_ID/SPAN_ID;o=OPTIONS") in the request's context for the logger.
func WithTrace(r *http.Request) *http.Request {
	h := r.Header.Get("X-Cloud-Trace-Context")
	trace, _, _ := strings.Cut(h, "/")
	if trace == "" || len(trace) > 64 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), traceKey{}, trace))
}
