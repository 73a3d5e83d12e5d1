package web

import (
	"bytes"
	"encoding/hex"
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
// its four digits, the guesses as typed. The feedback is not stored; what
// the player was shown is the secret's score of each guess.
func TestGame_storesTheLessonsKeysAsPlainValues(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	g := v.guess("3456")

	var values map[any]any
	a.updateSession(t, v, func(stored map[any]any) { values = maps.Clone(stored) })
	secret, _ := values["secret"].(string)
	if !regexp.MustCompile(`^[1-6]{4}$`).MatchString(secret) {
		t.Fatalf("got secret %#v, want a string of 4 digits 1-6", values["secret"])
	}
	if got, want := values["guessList"], []string{"1122", "3456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got guessList %#v, want %#v", got, want)
	}
	if len(values) != 2 {
		t.Errorf("got values %v, want only secret and guessList", values)
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
	eleven := make([]string, mastermind.MaxTurns+1)
	for i := range eleven {
		eleven[i] = mastermind.CodeFromIndex(i).String()
	}
	for _, tc := range []struct {
		name string
		game map[any]any
	}{
		{"secret of another type", map[any]any{"secret": 3632, "guessList": []string{"1122"}}},
		{"secret not a code", map[any]any{"secret": "3637", "guessList": []string{"1122"}}},
		{"no secret", map[any]any{"guessList": []string{"1122"}}},
		{"guessList of another type", map[any]any{"secret": "3632", "guessList": "1122"}},
		{"a guess not a code", map[any]any{"secret": "3632", "guessList": []string{"1122", "12a4"}}},
		{"more guesses than a game has", map[any]any{"secret": "6666", "guessList": eleven}},
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

// oldGobGame is a session as the version before the lesson's keys stored
// it: {"count": 2, "secret": mastermind.Code 3632, "guesses": []Turn of 1122
// and 3456}, gob-encoded (format 1), in gob types no longer registered.
var oldGobGame = mustHex(
	"010dff81020102ff820001ff8000001d7f030101047061697201ff8000010201" +
		"014b011000010156011000000052ff8200030106737472696e670c070005636f" +
		"756e740103696e7404020004000106737472696e670c09000767756573736573" +
		"01115b5d6d61737465726d696e642e5475726eff87020102ff880001ff840000" +
		"31ff83030101045475726e01ff840001030105477565737301ff86000105426c" +
		"61636b01040001055768697465010400000014ff8501010104436f646501ff86" +
		"000106010800006aff8816000201040101020201020001040304050601020102" +
		"00000106737472696e670c08000673656372657401326769746875622e636f6d" +
		"2f6761652d6c6573736f6e732f73657373696f6e732d676f2f6d61737465726d" +
		"696e642e436f6465ff860600040306030200",
)

// No released version stored a game this way, so such a session is not
// kept: it does not decode, and the store starts the visitor afresh, with a
// fresh board and no error. The rest of that session (its count) goes too,
// at the first POST: reading writes nothing.
func TestGame_oldGobSessionGivesFreshBoard(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	key, ent := a.onlySession(t)
	ent.Values = oldGobGame
	if _, err := a.client.Put(t.Context(), key, ent); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/mastermind", "/counter", "/mastermind/hint"} {
		if got := v.send("GET", path, nil, false); got.status != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200", path, got.status)
		}
	}
	if g := v.game(); len(g.Turns) != 0 || g.Status != "playing" {
		t.Errorf("got game %+v, want a fresh board", g)
	}
	if got := v.count(); got != 0 {
		t.Errorf("got count %d, want 0: the old session is not read", got)
	}
	if _, ent := a.onlySession(t); !bytes.Equal(ent.Values, oldGobGame) {
		t.Errorf("stored bytes start %x after GETs, want the old session untouched", ent.Values[:1])
	}
	if got := v.click(); got != 1 {
		t.Errorf("got count %d after a click, want 1", got)
	}
	if _, ent := a.onlySession(t); bytes.Equal(ent.Values, oldGobGame) || ent.Values[0] != 2 {
		t.Errorf("stored bytes start %x after a click, want the old session replaced by a plain one", ent.Values[:1])
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
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
