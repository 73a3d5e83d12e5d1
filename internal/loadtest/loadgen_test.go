//go:build linux

package loadtest

// The load generator of BenchmarkLoad: the read/click mix the visitors
// (loadclient_test.go) run, and the bare Datastore calls that mix stands
// for.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gae-lessons/sessions-go/internal/web"
)

// opKind is what one operation of the mix does.
type opKind int

const (
	opRead  opKind = iota // GET /counter, or a bare Lookup
	opClick               // POST /counter, or a bare transaction
)

// clickEvery is the counter's mix: one request in four is a click (POST
// /counter), the others read (GET /counter).
const clickEvery = 4

// kindOf returns the kind of the mix's k-th operation: one in clickEvery is
// a click, spread evenly, so every phase runs the same mix.
func kindOf(k, clickEvery int) opKind {
	if clickEvery > 0 && k%clickEvery == clickEvery-1 {
		return opClick
	}
	return opRead
}

// mixResult is what one run of the mix measured.
type mixResult struct {
	lat     [2][]time.Duration // by opKind
	errors  int
	errText []string // the first few errors, for the log
	elapsed time.Duration
}

func (m *mixResult) add(o mixResult) {
	for k := range m.lat {
		m.lat[k] = append(m.lat[k], o.lat[k]...)
	}
	m.errors += o.errors
	if len(m.errText) < 5 {
		m.errText = append(m.errText, o.errText...)
	}
	m.elapsed += o.elapsed
}

func (m *mixResult) done() int { return len(m.lat[opRead]) + len(m.lat[opClick]) }

// runMix runs operations first..first+n-1 of the mix on workers
// goroutines; worker w runs do(w, kind) one operation after another. It
// stops early when ctx ends.
func runMix(ctx context.Context, first, n, workers, clickEvery int, do func(ctx context.Context, w int, k opKind) error) mixResult {
	var next atomic.Int64
	next.Store(int64(first))
	end := int64(first + n)
	results := make([]mixResult, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			r := &results[w]
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= end {
					return
				}
				kind := kindOf(int(k), clickEvery)
				t0 := time.Now()
				err := do(ctx, w, kind)
				r.lat[kind] = append(r.lat[kind], time.Since(t0))
				if err != nil {
					r.errors++
					if len(r.errText) < 2 {
						r.errText = append(r.errText, err.Error())
					}
				}
			}
		})
	}
	wg.Wait()
	var all mixResult
	for _, r := range results {
		all.add(r)
	}
	all.elapsed = time.Since(start)
	return all
}

// percentile returns the p-th quantile (0 < p ≤ 1) of d, nearest rank.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// counter reads (GET /counter) or clicks (POST /counter) as JSON and
// returns the count answered; anything but a 200 with a count is an error.
func (v *visitor) counter(ctx context.Context, k opKind) (int, error) {
	method := "GET"
	if k == opClick {
		method = "POST"
	}
	status, data, err := v.send(ctx, method, "/counter", "", false)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("%s /counter: status %d: %s", method, status, data)
	}
	var got struct{ Count *int }
	if err := json.Unmarshal(data, &got); err != nil || got.Count == nil {
		return 0, fmt.Errorf("%s /counter: answer %q has no count", method, data)
	}
	if k == opClick {
		v.clicks++
	}
	return *got.Count, nil
}

// driveVisitors runs operations first..first+n-1 of the counter's mix over
// HTTP, each visitor on its own goroutine.
func driveVisitors(ctx context.Context, vs []*visitor, first, n int) mixResult {
	return runMix(ctx, first, n, len(vs), clickEvery, func(ctx context.Context, w int, k opKind) error {
		_, err := vs[w].counter(ctx, k)
		return err
	})
}

// clickOnceEach has every visitor click once, all at the same time, so
// that each has a session.
func clickOnceEach(ctx context.Context, vs []*visitor) error {
	errs := make([]error, len(vs))
	var wg sync.WaitGroup
	for i, v := range vs {
		wg.Go(func() { _, errs[i] = v.counter(ctx, opClick) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// lostClicks asks the server each visitor's count and compares it with the
// clicks it answered with 200: a click answered but not counted is lost.
func lostClicks(ctx context.Context, vs []*visitor) (lost int, err error) {
	for _, v := range vs {
		clicks := v.clicks
		got, err := v.counter(ctx, opRead)
		if err != nil {
			return 0, err
		}
		if got < clicks {
			lost += clicks - got
		} else if got > clicks {
			return lost, fmt.Errorf("a visitor has count %d but only %d clicks were answered 200: a click reported as failed was applied", got, clicks)
		}
	}
	return lost, nil
}

// bareEntity has the shape of a session entity, so the bare calls move the
// same bytes as the server's.
type bareEntity struct {
	Values  []byte    `datastore:"values,noindex"`
	Expires time.Time `datastore:"expires"`
}

// bareCalls are the Datastore calls the server's requests make, without the
// server: worker w reads (one Lookup) or updates (a read-write transaction
// with a Get and a Put) an entity of its own, as each visitor has its own
// session.
type bareCalls struct {
	client *datastore.Client
	keys   []*datastore.Key
}

func newBareCalls(ctx context.Context, client *datastore.Client, namespace string, workers int) (*bareCalls, error) {
	b := &bareCalls{client: client}
	for w := range workers {
		k := datastore.NameKey("BareSession", fmt.Sprintf("worker-%d", w), nil)
		k.Namespace = namespace
		b.keys = append(b.keys, k)
	}
	// 11 bytes: the counter demo's encoded session, {"count": N} in the
	// store's plain format.
	e := make([]bareEntity, workers)
	for i := range e {
		e[i] = bareEntity{Values: make([]byte, 11), Expires: time.Now().Add(time.Hour)}
	}
	_, err := client.PutMulti(ctx, b.keys, e)
	return b, err
}

// do makes the call of one operation, bounded as the server bounds its own
// (web.StoreCallTimeout).
func (b *bareCalls) do(ctx context.Context, w int, k opKind) error {
	ctx, cancel := context.WithTimeout(ctx, web.StoreCallTimeout)
	defer cancel()
	key := b.keys[w]
	if k == opRead {
		var e bareEntity
		return b.client.Get(ctx, key, &e)
	}
	_, err := b.client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		var e bareEntity
		if err := tx.Get(key, &e); err != nil {
			return err
		}
		e.Values[0]++
		e.Expires = time.Now().Add(time.Hour)
		_, err := tx.Put(key, &e)
		return err
	})
	return err
}
