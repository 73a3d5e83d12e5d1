package mastermind

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
)

// GenerateSecret draws a secret uniformly from the NumCodes codes using
// crypto/rand, so that players cannot predict it from earlier games.
func GenerateSecret() (Code, error) {
	return GenerateSecretFrom(rand.Reader)
}

// acceptBelow is the largest multiple of NumCodes that fits in 16 bits.
// Two-byte draws at or above it are rejected, because folding them in with
// the modulus would make the lowest codes slightly more likely.
const acceptBelow = (1 << 16) / NumCodes * NumCodes

// GenerateSecretFrom is [GenerateSecret] with the source of randomness
// given, so tests can fix it. It reads two bytes at a time, as a big-endian
// number n, until n < 64800, and returns CodeFromIndex(n % NumCodes). An
// error from r is returned wrapped.
func GenerateSecretFrom(r io.Reader) (Code, error) {
	var b [2]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Code{}, fmt.Errorf("mastermind: generating secret: %w", err)
		}
		if n := int(binary.BigEndian.Uint16(b[:])); n < acceptBelow {
			return CodeFromIndex(n % NumCodes), nil
		}
	}
}
