package dskit_test

import (
	"context"
	"fmt"
	"testing"

	"cloud.google.com/go/datastore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

func TestContention(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("update: %w", datastore.ErrConcurrentTransaction), true},
		{fmt.Errorf("read in a transaction: %w", status.Error(codes.Aborted, "Transaction lock timeout")), true},
		{status.Error(codes.Unavailable, "connection refused"), false},
		{status.Error(codes.DeadlineExceeded, "slow"), false},
		{context.DeadlineExceeded, false},
		{nil, false},
	} {
		if got := dskit.Contention(tt.err); got != tt.want {
			t.Errorf("Contention(%v): got %v, want %v", tt.err, got, tt.want)
		}
	}
}
