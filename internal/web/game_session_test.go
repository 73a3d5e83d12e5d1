package web

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"cloud.google.com/go/datastore"
	"github.com/gae-lessons/sessions-go/mastermind"
	"github.com/gae-lessons/sessions-go/sessionstore"
	"github.com/gorilla/sessions"
)

// The game is stored under the lesson's keys as plain values: the secret as
// its four digits, the guesses as typed, beside the count. The feedback is
// not stored; what the player was shown is the secret's score of each
// guess. Being plain, the session is stored in the store's own format, not
// gob.
func TestGame_storesTheLessonsKeysAsPlainValues(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	v.guess("1122")
	g := v.guess("3456")
	if _, ent := a.onlySession(t); ent.Values[0] != 2 {
		t.Errorf("stored bytes start %x, want the store's plain format (2)", ent.Values[:1])
	}

	var values map[any]any
	a.updateSession(t, v, func(stored map[any]any) { values = maps.Clone(stored) })
	secret, _ := values["secret"].(string)
	if !regexp.MustCompile(`^[1-6]{4}$`).MatchString(secret) {
		t.Fatalf("got secret %#v, want a string of 4 digits 1-6", values["secret"])
	}
	if got, want := values["guessList"], []string{"1122", "3456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got guessList %#v, want %#v", got, want)
	}
	if len(values) != 3 || values["count"] != 1 {
		t.Errorf("got values %v, want only count 1, secret and guessList", values)
	}
	code, _ := mastermind.ParseCode(secret)
	for _, turn := range g.Turns {
		guess, _ := mastermind.ParseCode(turn.Guess)
		if f := mastermind.Score(code, guess); f.Black != turn.Black || f.White != turn.White {
			t.Errorf("guess %s: shown %d black, %d white; the stored secret scores %+v", turn.Guess, turn.Black, turn.White, f)
		}
	}
}

// A stored game that no version of the app could have written is no game:
// the visitor gets a fresh board, and the rest of the session stays.
func TestGame_malformedStoredGameGivesFreshBoard(t *testing.T) {
	a := newApp(t)
	// The values of other types, and one game that mastermind.Replay
	// refuses (its own test has every kind).
	for _, tc := range []struct {
		name string
		game map[any]any
	}{
		{"secret of another type", map[any]any{"secret": 3632, "guessList": []string{"1122"}}},
		{"no secret", map[any]any{"guessList": []string{"1122"}}},
		{"guessList of another type", map[any]any{"secret": "3632", "guessList": "1122"}},
		{"a guess after the win", map[any]any{"secret": "3632", "guessList": []string{"3632", "1122"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVisitor(t, a)
			v.click()
			a.updateSession(t, v, func(values map[any]any) {
				for k, x := range tc.game {
					values[k] = x
				}
			})
			if g := v.game(); len(g.Turns) != 0 || g.Status != "playing" || g.Secret != "" {
				t.Errorf("got game %+v, want a fresh board", g)
			}
			page := v.send("GET", "/mastermind", nil, false).body
			// The panel shows the values as stored, guesses too, but
			// not the secret of a game that is not over.
			if strings.Contains(page, "<code>3632</code>") || strings.Contains(page, `id="secret"`) {
				t.Error("the page shows a stored secret")
			}
			if got := v.count(); got != 1 {
				t.Errorf("got count %d, want 1: the rest of the session kept", got)
			}
		})
	}
}

// A stored session that does not decode (gob's format byte, then
// garbage: as the version before the lesson's keys stored a game, in gob
// types no longer registered) is not kept: the visitor starts afresh, with
// a fresh board and no error. Reading writes nothing, so it stays until the
// first POST replaces it.
func TestGame_undecodableSessionGivesFreshBoard(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	key, ent := a.onlySession(t)
	undecodable := []byte{1, 9, 9, 9}
	ent.Values = undecodable
	if _, err := a.client.Put(t.Context(), key, ent); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/mastermind", "/counter", "/mastermind/hint"} {
		if got := v.send("GET", path, nil, false); got.status != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200", path, got.status)
		}
	}
	if g, n := v.game(), v.count(); len(g.Turns) != 0 || g.Status != "playing" || n != 0 {
		t.Errorf("got game %+v and count %d, want a fresh board and 0", g, n)
	}
	if _, ent := a.onlySession(t); !bytes.Equal(ent.Values, undecodable) {
		t.Errorf("stored bytes %x after GETs, want the session untouched", ent.Values)
	}
	if got := v.click(); got != 1 {
		t.Errorf("got count %d after a click, want 1", got)
	}
	if _, ent := a.onlySession(t); bytes.Equal(ent.Values, undecodable) {
		t.Errorf("stored bytes %x after a click, want the session replaced", ent.Values)
	}
}

// sessionEntity is a session as Datastore holds it, for tests that look
// underneath the store.
type sessionEntity struct {
	Values  []byte `datastore:"values,noindex"`
	Expires any    `datastore:"expires"`
}

// onlySession returns the key and entity of the one session in a's
// namespace.
func (a *app) onlySession(t *testing.T) (*datastore.Key, *sessionEntity) {
	t.Helper()
	var ents []sessionEntity
	q := datastore.NewQuery(sessionstore.DefaultKind).Namespace(a.srv.cfg.Namespace)
	keys, err := a.client.GetAll(t.Context(), q, &ents)
	if err != nil || len(keys) != 1 {
		t.Fatalf("got %d sessions (%v), want 1", len(keys), err)
	}
	return keys[0], &ents[0]
}

// updateSession changes v's stored session with fn, through the app's
// store as a handler would: to read it (an fn that changes nothing writes
// nothing), or to give the app values it would not write itself.
func (a *app) updateSession(t *testing.T, v *visitor, fn func(values map[any]any)) {
	t.Helper()
	st, err := a.srv.store(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequestWithContext(t.Context(), "GET", v.base+"/", nil)
	for _, c := range v.cookies() {
		r.AddCookie(c)
	}
	_, err = st.Update(r, httptest.NewRecorder(), a.srv.cookieName(), func(sess *sessions.Session) error {
		fn(sess.Values)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
