package sqlstore

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestWriteStatementsKept: SQLite's write transactions reuse statements
// prepared on the writer's connection, kept after the first transaction
// that ran them; schema statements are not kept; and writers that keep
// arriving while statements are being prepared all finish (preparing once
// held the cache's lock while waiting for the connection a transaction
// held, and that transaction waited for the lock).
func TestWriteStatementsKept(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	create := func(i int) error {
		now := time.Now()
		return s.CreateAsset(ctx, dam.Asset{ID: dam.NewID(now), Name: fmt.Sprintf("a%d.jpg", i), Domain: dam.DefaultDomain,
			Kind: dam.MediaImage, CreatedAt: now, UpdatedAt: now, Current: dam.Version{SHA256: "x", MediaType: "image/jpeg"}})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*40)
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				errs <- create(g*40 + i)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		t.Fatal("concurrent writers did not finish")
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	s.wstmts.mu.Lock()
	defer s.wstmts.mu.Unlock()
	var inserts int
	for q := range s.wstmts.m {
		assert.True(t, keepable(q), q)
		if strings.HasPrefix(q, "INSERT INTO assets") {
			inserts++
		}
	}
	assert.Equal(t, 1, inserts, "the asset INSERT is kept prepared, once")
	assert.False(t, keepable(" CREATE TRIGGER x AFTER INSERT ON a BEGIN SELECT 1; END"))
	assert.True(t, keepable("\n\tupdate assets SET name = ?"))
}
