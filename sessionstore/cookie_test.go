package sessionstore_test

import (
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// ExampleStore_Inspect shows the signature's length.
func TestStore_Inspect(t *testing.T) {
	v := newEnv(t, dstest.First(t))
	before := time.Now().Truncate(time.Second)
	c := v.save(t, map[any]any{"count": 1})
	after := time.Now()
	info, ok := v.store.Inspect(name, c.Value)
	if !ok {
		t.Fatal("a cookie the store just set does not inspect")
	}
	if want := v.load(t, c).ID; info.ID != want {
		t.Errorf("got id %q, want the session's %q", info.ID, want)
	}
	if info.SignedAt.Before(before) || info.SignedAt.After(after) {
		t.Errorf("got SignedAt %v, want between %v and %v", info.SignedAt, before, after)
	}
}

// The store reads the cookies of its name up to the first that verifies,
// and at most 8: junk in front of the valid cookie changes nothing, and
// junk beyond 8 is not read. CookieID needs no Datastore.
func TestStore_CookiesAndCookieID(t *testing.T) {
	store := sessionstore.NewStore(nil, key1, nil)
	id := make([]byte, 32)
	id[0] = 0xab
	good := dstest.SignedCookie(t, key1, name, id)
	junk := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = name + "=junk"
		}
		return s
	}
	tests := []struct {
		name      string
		cookies   []string
		wantRead  int
		wantFound bool
	}{
		{"none", nil, 0, false},
		{"the valid one alone", []string{name + "=" + good}, 1, true},
		{"junk in front", append(junk(3), name+"="+good), 4, true},
		{"other names around", []string{"a=1", name + "=" + good, "b=2"}, 1, true},
		{"the valid one 8th", append(junk(7), name+"="+good), 8, true},
		{"the valid one 9th: not read", append(junk(8), name+"="+good), 8, false},
		{"2,000 of junk", junk(2000), 8, false},
		{"two valid: the first counts", []string{name + "=" + good, name + "=" + dstest.SignedCookie(t, key1, name, make([]byte, 32))}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.cookies != nil {
				r.Header.Set("Cookie", strings.Join(tt.cookies, "; "))
			}
			if got := len(store.Cookies(r, name)); got != tt.wantRead {
				t.Errorf("Cookies: got %d read, want %d", got, tt.wantRead)
			}
			got, ok := store.CookieID(r, name)
			switch {
			case ok != tt.wantFound:
				t.Errorf("CookieID: got ok %v, want %v", ok, tt.wantFound)
			case ok && got != hex.EncodeToString(id):
				t.Errorf("CookieID: got %q, want %x", got, id)
			}
		})
	}
}
