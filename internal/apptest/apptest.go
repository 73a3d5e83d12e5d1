// Package apptest holds what every test of the app signs sessions with:
// one fixed key, so that a cookie made in one test verifies in another
// (two instances of the app, the binary and the handler in process). It
// imports nothing of the app, so that package web's own tests can use it
// too; package webtest builds the app's handler with it.
package apptest

import "encoding/base64"

// Key is the fixed signing key of the tests: 32 bytes, for HMAC-SHA256.
// Never use it outside tests.
var Key = []byte("0123456789abcdef0123456789abcdef")

// KeysEnv is Key as the app's SESSION_KEYS variable takes it, for tests
// that run the binary.
var KeysEnv = base64.StdEncoding.EncodeToString(Key)
