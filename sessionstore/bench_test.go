package sessionstore_test

import (
	"context"
	"encoding/gob"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/mastermind"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// The Mastermind game as versions before the lesson's keys stored it: a
// mastermind.Code and a []mastermind.Turn, gob-encoded, which gob must
// know by name. Kept to compare with the plain form.
func init() {
	gob.Register(mastermind.Code{})
	gob.Register([]mastermind.Turn{})
}

// benchSessions are the sessions the encoding benchmarks encode: the
// counter demo's, a Mastermind game seven guesses in (as the app stores it,
// and as it stored it with gob before), and a large one.
func benchSessions(tb testing.TB) []struct {
	name   string
	values map[any]any
} {
	tb.Helper()
	secret, err := mastermind.ParseCode("3632")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		guesses []string
		turns   []mastermind.Turn
	)
	for i := range 7 {
		g := mastermind.CodeFromIndex(i * 97)
		f := mastermind.Score(secret, g)
		guesses = append(guesses, g.String())
		turns = append(turns, mastermind.Turn{Guess: g, Black: f.Black, White: f.White})
	}
	// About 50 KiB: 1000 lines of 50 characters, as an app keeping a
	// visitor's recent history in the session would.
	history := make([]string, 1000)
	for i := range history {
		history[i] = fmt.Sprintf("%04d %s", i, strings.Repeat("x", 45))
	}
	return []struct {
		name   string
		values map[any]any
	}{
		{"counter", map[any]any{"count": 42}},
		{"mastermind", map[any]any{"secret": secret.String(), "guessList": guesses}},
		{"mastermind-gob", map[any]any{"secret": secret, "guesses": turns}},
		{"large", map[any]any{"history": history, "count": 42}},
	}
}

var (
	sinkBytes  []byte
	sinkValues map[any]any
)

func BenchmarkEncodeValues(b *testing.B) {
	for _, bm := range benchSessions(b) {
		b.Run(bm.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				data, err := sessionstore.EncodeValues(bm.values)
				if err != nil {
					b.Fatal(err)
				}
				n, sinkBytes = len(data), data
			}
			b.ReportMetric(float64(n), "bytes/session")
		})
	}
}

func BenchmarkDecodeValues(b *testing.B) {
	for _, bm := range benchSessions(b) {
		b.Run(bm.name, func(b *testing.B) {
			data, err := sessionstore.EncodeValues(bm.values)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if sinkValues, err = sessionstore.DecodeValues(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/session")
		})
	}
}

// BenchmarkStore_Get is a returning visitor's read: the cookie verified and
// the session loaded through gorilla's registry, one Lookup.
func BenchmarkStore_Get(b *testing.B) {
	for _, e := range dstest.Emulators(b) {
		b.Run(string(e.Mode), func(b *testing.B) {
			v := newEnv(b, e)
			cookie := v.save(b, map[any]any{"count": 42})
			v.calls.Reset()
			for b.Loop() {
				sess, err := v.store.Get(benchRequest("GET", cookie), name)
				if err != nil {
					b.Fatal(err)
				}
				if sess.IsNew {
					b.Fatal("the returning visitor's session was not found")
				}
			}
			b.ReportMetric(float64(v.calls.Total())/float64(b.N), "calls/op")
		})
	}
}

// BenchmarkStore_Update is one click of the counter demo: a read-modify-
// write of the session in one transaction.
func BenchmarkStore_Update(b *testing.B) {
	for _, e := range dstest.Emulators(b) {
		b.Run(string(e.Mode), func(b *testing.B) {
			v := newEnv(b, e)
			cookie := v.save(b, map[any]any{"count": 0})
			v.calls.Reset()
			for b.Loop() {
				_, err := v.store.Update(benchRequest("POST", cookie), httptest.NewRecorder(), name, func(sess *sessions.Session) error {
					n, _ := sess.Values["count"].(int)
					sess.Values["count"] = n + 1
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(v.calls.Total())/float64(b.N), "calls/op")
			b.ReportMetric(float64(v.calls.Calls()["Commit"])/float64(b.N), "commits/op")
		})
	}
}

// benchRequest returns a request carrying cookie; its context has no
// deadline of its own, as request's has, so the store's Timeout bounds each
// call and the loop adds no timer to what it measures.
func benchRequest(method string, cookie *http.Cookie) *http.Request {
	r := httptest.NewRequestWithContext(context.Background(), method, "/", nil)
	r.AddCookie(cookie)
	return r
}
