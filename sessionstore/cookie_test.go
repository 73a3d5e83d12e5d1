package sessionstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

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
	if info.MACLength != 32 {
		t.Errorf("got MACLength %d, want 32 (HMAC-SHA256)", info.MACLength)
	}
}

// Inspect refuses what New treats as no cookie; it needs no Datastore.
func TestStore_Inspect_invalidCookies(t *testing.T) {
	store := sessionstore.NewStore(nil, key1, nil)
	good := signedID(t, key1, name, make([]byte, 32))
	tests := []struct {
		name, value string
	}{
		{"empty", ""},
		{"garbage", "not-a-cookie"},
		{"huge", strings.Repeat("A", 60<<10)},
		{"altered", good[:len(good)-4] + "AAA="},
		{"signed with another key", signedID(t, key2, name, make([]byte, 32))},
		{"signed for another cookie name", signedID(t, key1, "other", make([]byte, 32))},
		{"signed, but not a session id", signedID(t, key1, name, make([]byte, 16))},
	}
	if _, ok := store.Inspect(name, good); !ok {
		t.Fatal("the unaltered cookie does not inspect; the cases below prove nothing")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if info, ok := store.Inspect(name, tt.value); ok || info != (sessionstore.CookieInfo{}) {
				t.Errorf("got %+v, %v; want nothing, false", info, ok)
			}
		})
	}
}
