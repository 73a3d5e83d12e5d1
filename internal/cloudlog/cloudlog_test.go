package cloudlog_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/cloudlog"
)

const (
	traceHeader = "105445aa7843bc8bf206b12000100000/1;o=1"
	wantTrace   = "projects/my-project/traces/105445aa7843bc8bf206b12000100000"
	traceField  = "logging.googleapis.com/trace"
)

// logOnce logs one line at level through a logger made by New, for a
// request with the X-Cloud-Trace-Context header given (none if empty), and
// returns what it wrote.
func logOnce(t *testing.T, onAppEngine bool, level slog.Level, header string) string {
	t.Helper()
	var buf bytes.Buffer
	logger := cloudlog.New(&buf, onAppEngine, "my-project", slog.LevelDebug)
	r := httptest.NewRequest("GET", "/", nil)
	if header != "" {
		r.Header.Set("X-Cloud-Trace-Context", header)
	}
	logger.Log(cloudlog.WithTrace(r).Context(), level, "something happened", "path", "/")
	return buf.String()
}

func TestNew_appEngineSeverities(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "DEBUG"},
		{slog.LevelInfo, "INFO"},
		{slog.LevelWarn, "WARNING"},
		{slog.LevelError, "ERROR"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			var line map[string]any
			if err := json.Unmarshal([]byte(logOnce(t, true, tc.level, traceHeader)), &line); err != nil {
				t.Fatalf("the line is not JSON: %v", err)
			}
			if line["severity"] != tc.want || line["message"] != "something happened" || line[traceField] != wantTrace || line["path"] != "/" {
				t.Errorf("got %v, want severity %s, the message, the trace and the attribute", line, tc.want)
			}
			for _, k := range []string{"level", "msg", "time"} {
				if _, ok := line[k]; ok {
					t.Errorf("line has %q, which Cloud Logging does not read: %v", k, line)
				}
			}
		})
	}
}

func TestNew_localLinesAreTextWithoutTrace(t *testing.T) {
	log := logOnce(t, false, slog.LevelInfo, traceHeader)
	if json.Valid([]byte(log)) {
		t.Fatalf("got JSON, want a text line: %s", log)
	}
	if !strings.Contains(log, `msg="something happened"`) || strings.Contains(log, traceField) {
		t.Errorf("got %s, want the message and no Cloud trace", log)
	}
}

func TestWithTrace_ignoresAbsentOrOversizedHeaders(t *testing.T) {
	for _, header := range []string{"", "/1;o=1", strings.Repeat("a", 65) + "/1"} {
		if log := logOnce(t, true, slog.LevelInfo, header); strings.Contains(log, traceField) {
			t.Errorf("X-Cloud-Trace-Context %q: got a trace in %s, want none", header, log)
		}
	}
}
