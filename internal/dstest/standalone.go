package dstest

import (
	"errors"
	"fmt"
	"os/exec"
)

// Launch starts an emulator of the given mode outside any test, for a
// program such as the exercise checker (internal/exercise); Stop ends it.
// The emulator is the tests' own: in memory, on a free loopback port,
// warmed up, and killed by its watchdog if the program dies first. Without
// the Google Cloud CLI or an emulator, the error says what to install.
func Launch(mode Mode) (*Emulator, error) {
	if _, err := exec.LookPath("gcloud"); err != nil {
		return nil, errors.New(installHint())
	}
	e, err := start(mode)
	if err != nil {
		if h := installHint(); h != "" {
			return nil, fmt.Errorf("%w; %s", err, h)
		}
		return nil, err
	}
	return e, nil
}

// Stop kills an emulator that Launch started; for any other it does
// nothing.
func (e *Emulator) Stop() { e.stop() }
