package dstest

import (
	"encoding/base64"
	"testing"

	"github.com/gorilla/securecookie"
)

// Key is the fixed signing key of every test of the app: 32 bytes, for
// HMAC-SHA256, so that a cookie made in one test verifies in another (two
// instances of the app, the binary and the handler in process). Never use
// it outside tests.
var Key = []byte("0123456789abcdef0123456789abcdef")

// KeysEnv is Key as the app's SESSION_KEYS variable takes it, for tests
// that run the binary.
var KeysEnv = base64.StdEncoding.EncodeToString(Key)

// SignedCookie is the value of a session cookie named name that carries id,
// signed with key as sessionstore signs one: what only the key's holder can
// make.
func SignedCookie(tb testing.TB, key []byte, name string, id []byte) string {
	tb.Helper()
	codec := securecookie.New(key, nil)
	codec.SetSerializer(securecookie.NopEncoder{})
	v, err := codec.Encode(name, id)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
