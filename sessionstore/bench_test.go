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
			s, calls := benchStore(b, e)
			cookie := benchSave(b, s, map[any]any{"count": 42})
			calls.Reset()
			for b.Loop() {
				r := benchRequest(b, "GET", cookie)
				sess, err := s.Get(r, name)
				if err != nil {
					b.Fatal(err)
				}
				if sess.IsNew {
					b.Fatal("the returning visitor's session was not found")
				}
			}
			b.ReportMetric(float64(calls.Total())/float64(b.N), "calls/op")
		})
	}
}

// BenchmarkStore_Update is one click of the counter demo: a read-modify-
// write of the session in one transaction.
func BenchmarkStore_Update(b *testing.B) {
	for _, e := range dstest.Emulators(b) {
		b.Run(string(e.Mode), func(b *testing.B) {
			s, calls := benchStore(b, e)
			cookie := benchSave(b, s, map[any]any{"count": 0})
			calls.Reset()
			for b.Loop() {
				r := benchRequest(b, "POST", cookie)
				_, err := s.Update(r, httptest.NewRecorder(), name, func(sess *sessions.Session) error {
					n, _ := sess.Values["count"].(int)
					sess.Values["count"] = n + 1
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(calls.Total())/float64(b.N), "calls/op")
			commits := calls.Calls()["Commit"]
			b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
		})
	}
}

// benchStore returns a store in a namespace of its own and the counter of
// its Datastore calls.
func benchStore(tb testing.TB, e *dstest.Emulator) (*sessionstore.Store, *dstest.Counter) {
	tb.Helper()
	client, calls := e.Client(tb)
	s := sessionstore.NewStore(client, key1, nil)
	s.Namespace = dstest.Namespace(tb)
	return s, calls
}

// benchSave stores values in a new session and returns its cookie.
func benchSave(tb testing.TB, s *sessionstore.Store, values map[any]any) *http.Cookie {
	tb.Helper()
	r := benchRequest(tb, "GET", nil)
	sess, err := s.Get(r, name)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	w := httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		tb.Fatal(err)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	tb.Fatal("Save set no cookie")
	return nil
}

// benchRequest returns a request carrying cookie (if any); its context has
// no deadline of its own, so the store's Timeout bounds each call.
func benchRequest(tb testing.TB, method string, cookie *http.Cookie) *http.Request {
	tb.Helper()
	r := httptest.NewRequestWithContext(context.Background(), method, "/", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return r
}
