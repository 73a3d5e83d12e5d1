package mastermind_test

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// gobRoundTrip encodes and decodes session values the way the cookie and
// Datastore session stores do.
func gobRoundTrip(t *testing.T, values map[interface{}]interface{}) map[interface{}]interface{} {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(values); err != nil {
		t.Fatalf("gob encode: %v", err)
	}
	var got map[interface{}]interface{}
	if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatalf("gob decode: %v", err)
	}
	return got
}

// The web handlers store the secret and the turns as two session values,
// which gob encodes as interface values.
func TestGob_SessionRoundTrip(t *testing.T) {
	game := playGame(t, "3456", "1122", "1344", "3456")
	values := map[interface{}]interface{}{
		"secret":  game.Secret,
		"guesses": game.Turns,
	}
	got := gobRoundTrip(t, values)
	if !reflect.DeepEqual(got, values) {
		t.Errorf("after gob round trip values = %#v, want %#v", got, values)
	}
	restored := mastermind.Game{
		Secret: got["secret"].(mastermind.Code),
		Turns:  got["guesses"].([]mastermind.Turn),
	}
	if !reflect.DeepEqual(restored, game) {
		t.Errorf("restored game = %+v, want %+v", restored, game)
	}
}
