package emulator

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
)

// start starts an emulator for one test: it fails without one under
// CI=true, and skips otherwise.
func start(t *testing.T, o Options) *Emulator {
	t.Helper()
	e, err := Start(context.Background(), o)
	if errors.Is(err, ErrNotInstalled) && !inCI() {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// A Datastore emulator with a data folder keeps what it holds across a
// Stop and a Start, as make run's does, and Stop leaves nothing listening.
func TestStart_dataDirOutlivesStop(t *testing.T) {
	dir := t.TempDir()
	o := Options{Mode: Datastore, DataDir: dir}
	type entity struct{ N int }
	key := datastore.NameKey("Kept", "k", nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	e := start(t, o)
	client, err := datastore.NewClient(ctx, e.Project, e.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Put(ctx, key, &entity{N: 7}); err != nil {
		t.Fatal(err)
	}
	client.Close()
	e.Stop()
	if c, err := net.Dial("tcp", e.Host); err == nil {
		c.Close()
		t.Fatalf("after Stop, %s still takes connections", e.Host)
	}
	assertGone(t, e)

	o.Host = e.Host
	e = start(t, o)
	client, err = datastore.NewClient(ctx, e.Project, e.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var got entity
	if err := client.Get(ctx, key, &got); err != nil || got.N != 7 {
		t.Fatalf("after a restart: got %+v, %v; want N=7", got, err)
	}
}
